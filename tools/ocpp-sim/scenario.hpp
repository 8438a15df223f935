#pragma once
// The scripted life of one simulated charger, without any I/O: which CALL to
// send next, and whether the central system's reply was the one a healthy
// charger expects. The charger (charger.cpp) owns the socket and calls in
// here from its strand only; a Scenario is not thread-safe.
//
// Script: BootNotification, StatusNotification(Available), Heartbeat, then
// per session: Authorize, StartTransaction, StatusNotification(Charging),
// M x MeterValues, StopTransaction, StatusNotification(Available).
// With boot_only (ocpp-sim --connect-only) the script is BootNotification alone.
#include "base/clock.hpp"
#include "ocpp/call_error.hpp"

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace csms::sim {

struct ScenarioConfig {
    std::string charge_point_id;
    std::string id_tag;
    int sessions = 1;
    int meter_values = 3;
    bool boot_only = false;
};

struct Call {
    std::string_view action; // static text
    rapidjson::Document payload;
};

// expected == false: reason says what the reply got wrong, in one line.
struct Verdict {
    bool expected = true;
    std::string reason;
};

class Scenario {
public:
    Scenario(ScenarioConfig config, const base::Clock& clock);

    bool done() const { return next_ >= steps_.size(); }
    std::size_t total_calls() const { return steps_.size(); }

    // Precondition: !done(). Builds the payload with the clock's current time.
    Call next_call();
    // The CALLRESULT payload for the call last returned by next_call().
    Verdict check_result(const rapidjson::Value& payload);

private:
    enum class Kind {
        boot_notification,
        status_available,
        heartbeat,
        authorize,
        start_transaction,
        status_charging,
        meter_values,
        stop_transaction,
    };

    rapidjson::Document build(Kind kind);
    Verdict check(Kind kind, const rapidjson::Value& payload);

    ScenarioConfig config_;
    const base::Clock& clock_;
    std::vector<Kind> steps_;
    std::size_t next_ = 0;
    std::optional<std::int64_t> transaction_id_;

    // Simulated meter: only ever increases, across sessions.
    std::int64_t meter_wh_ = 10'000;
    int soc_percent_ = 20;
    int sample_ = 0; // samples in the current session
};

// The reply a simple charger gives to a CALL from the central system: a
// CALLRESULT payload, or the CALLERROR code when the action is not simulated.
std::variant<rapidjson::Document, ocpp::ErrorCode> answer_server_call(std::string_view action);

} // namespace csms::sim
