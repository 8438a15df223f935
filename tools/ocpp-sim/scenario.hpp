#pragma once
// The scripted life of one simulated charger, without any I/O: which CALL to
// send next, and whether the central system's reply was the one a healthy
// charger expects. The script schedule (charger.cpp) calls in here from its
// client's strand only (the client owns the socket); a Scenario is not
// thread-safe.
//
// Script: BootNotification, StatusNotification(Available), Heartbeat, then
// per session: Authorize, StartTransaction, StatusNotification(Charging),
// M x MeterValues, StopTransaction, StatusNotification(Available).
// With boot_only (ocpp-sim --connect-only) the script is BootNotification alone.
//
// Once the script is done (the charger holds the connection, --hold-seconds),
// the central system can run sessions remotely on the one connector (1), as on
// a real charger: RemoteStartTransaction Accepted is followed by
// StatusNotification(Preparing), StartTransaction, StatusNotification(Charging)
// and one MeterValues; RemoteStopTransaction for that transaction Accepted by
// StopTransaction (reason Remote) and StatusNotification(Available). Those
// CALLs are appended to the steps, so done() turns false again until they are
// answered.
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
    // Every MeterValues reports this connector temperature (Celsius) instead
    // of a gentle rise from 25.5: an over-heating charger for alert rules.
    std::optional<double> temperature_c = std::nullopt;
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

    // No CALL left to send (the script and every remote session step so far).
    bool done() const { return next_ >= steps_.size(); }
    std::size_t total_calls() const { return steps_.size(); }

    // Precondition: !done(). Builds the payload with the clock's current time.
    Call next_call();
    // The CALLRESULT payload for the call last returned by next_call().
    Verdict check_result(const rapidjson::Value& payload);

    // The reply to a CALL from the central system (payload: its request).
    // RemoteStartTransaction and RemoteStopTransaction act on the simulated
    // connector (see above) and are Rejected when they cannot: while the script
    // runs, when the connector is busy, for another connector, for a
    // transaction the charger is not running. Every other action is
    // answer_server_call(action).
    std::variant<rapidjson::Document, ocpp::ErrorCode> answer_call(std::string_view action,
                                                                   const rapidjson::Value& payload);

    // The transaction running on the connector, once StartTransaction was answered.
    std::optional<std::int64_t> transaction_id() const;
    // The simulated energy register, Wh.
    std::int64_t meter_wh() const { return meter_wh_; }

private:
    enum class Kind {
        boot_notification,
        status_available,
        status_preparing,
        heartbeat,
        authorize,
        start_transaction,
        status_charging,
        meter_values,
        stop_transaction,
    };

    // The session on connector 1: from the scripted StartTransaction's build,
    // or from an accepted RemoteStartTransaction, until StopTransaction is answered.
    struct Session {
        std::string id_tag;
        std::string_view stop_reason; // static text
        bool remote = false;
        bool stopping = false; // StopTransaction queued
        std::optional<std::int64_t> transaction_id;
    };

    rapidjson::Document build(Kind kind);
    Verdict check(Kind kind, const rapidjson::Value& payload);
    bool script_done() const { return next_ >= script_steps_; }
    bool remote_start(const rapidjson::Value& payload);
    bool remote_stop(const rapidjson::Value& payload);

    ScenarioConfig config_;
    const base::Clock& clock_;
    std::vector<Kind> steps_;
    std::size_t script_steps_ = 0; // the scripted prefix of steps_
    std::size_t next_ = 0;
    std::optional<Session> session_;

    // Simulated meter: only ever increases, across sessions.
    std::int64_t meter_wh_ = 10'000;
    int soc_percent_ = 20;
    int sample_ = 0; // samples in the current session
};

// The reply a simple charger gives to a CALL from the central system: a
// CALLRESULT payload, or the CALLERROR code when the action is not simulated.
// Stateless: RemoteStart/StopTransaction are Accepted here; Scenario::answer_call
// decides them from the charger's state.
std::variant<rapidjson::Document, ocpp::ErrorCode> answer_server_call(std::string_view action);

} // namespace csms::sim
