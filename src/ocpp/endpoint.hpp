#pragma once
// Per-connection OCPP-J RPC: turns text frames into validated calls for a
// dispatcher, sends their answers, and runs this side's own CALLs to the
// charger (one in flight, correlated by id, with a timeout).
//
// Thread-safety: FrameSink methods and the internals run on the session's
// strand. IncomingCall::result/error and Endpoint::call may be called from
// any thread; they post to the strand.
#include "base/metrics.hpp"
#include "net/connection.hpp"
#include "ocpp/call_error.hpp"
#include "ocpp/schema_registry.hpp"

#include <rapidjson/document.h>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace csms::ocpp {

struct EndpointOptions {
    // Inbound CALLs awaiting their answer before the endpoint stops reading:
    // a charger that floods only slows itself.
    std::size_t max_pending_inbound = 16;
    std::chrono::milliseconds call_timeout{30'000};
    std::size_t max_queued_outbound = 32;
};

// How one of this side's CALLs to a charger ended.
enum class CallOutcomeKind { result, call_error, timeout, closed, invalid_request, invalid_response, queue_full };

// Series shared by every endpoint, registered once so the message path
// takes no registry lock: inbound CALLs answered and how long each took,
// CALLERRORs sent, and this side's own CALLs to chargers with their round
// trips.
class EndpointMetrics {
public:
    using Duration = std::chrono::steady_clock::duration;

    EndpointMetrics(base::Metrics& metrics, const SchemaRegistry& schemas);
    // A CALL refused before any handler saw it.
    void count_message(const std::string& action, bool ok);
    // A CALL answered after its handler took it: counted, and its time from
    // receipt to answer observed.
    void count_answered(const std::string& action, bool ok, Duration took);
    void count_error(ErrorCode code);
    // An outcome of this side's CALL; a sent CALL that was answered also
    // observes its round trip.
    void count_call(CallOutcomeKind kind, std::optional<Duration> round_trip);

private:
    struct ActionSeries {
        base::Counter* ok; // null for "unknown": never answered ok
        base::Counter* error;
        base::Histogram* handling; // null for "unknown": never handled
    };
    const ActionSeries& series_for(const std::string& action) const;
    static void count(const ActionSeries& series, bool ok);

    std::map<std::string, ActionSeries, std::less<>> by_action_;
    ActionSeries unknown_action_{};
    std::map<ErrorCode, base::Counter*> by_code_;
    std::map<CallOutcomeKind, base::Counter*> by_outcome_;
    base::Histogram* round_trip_;
};

class Endpoint;

// What the charger gets instead of this side's own answer, for a CALL
// relayed to another backend (the charger's primary, in migration mode):
// that backend's CALLRESULT payload as JSON text, or its CALLERROR.
struct ReplacementAnswer {
    std::optional<std::string> result;
    ErrorCode error_code = ErrorCode::GenericError; // when there is no result
    std::string error_description;
};

// One inbound CALL awaiting its answer. Answer exactly once.
class IncomingCall {
public:
    IncomingCall(std::shared_ptr<Endpoint> endpoint, std::string unique_id, std::string action);
    const std::string& unique_id() const { return unique_id_; }
    const std::string& action() const { return action_; }
    // The same call, except that whatever this side answers, and whenever,
    // the charger gets `replacement` at that moment instead: the handler
    // still runs and stores as usual, and its answer still means "durable".
    IncomingCall answered_with(std::shared_ptr<const ReplacementAnswer> replacement) const;
    // The same call answered as this side says, replacement or not: for a
    // failure of this side's own (its rows could not be stored), which the
    // charger must see so that it sends the CALL again.
    IncomingCall without_replacement() const;
    void result(rapidjson::Document payload) const;
    // Answers at once, without a post. Only on the session's strand, i.e.
    // from inside CallDispatcher::dispatch().
    void result_on_strand(rapidjson::Document payload) const;
    // Builds the payload on the session's strand (off the caller's thread);
    // a build that throws is answered with InternalError.
    void result_from(std::function<rapidjson::Document()> build) const;
    void error(ErrorCode code, std::string description) const;

private:
    // True when the replacement was sent instead.
    bool replaced() const;

    std::shared_ptr<Endpoint> endpoint_;
    std::string unique_id_;
    std::string action_;
    std::shared_ptr<const ReplacementAnswer> replacement_;
};

// The domain side of an endpoint (csms/ implements it).
class CallDispatcher {
public:
    virtual ~CallDispatcher() = default;
    // False: the action is valid OCPP but this side does not handle it.
    virtual bool handles(std::string_view action) const = 0;
    // The payload has passed its schema; it lives only during this call.
    virtual void dispatch(const IncomingCall& call, const rapidjson::Value& payload) = 0;
    virtual void on_closed() = 0;
};

struct CallOutcome {
    using Kind = CallOutcomeKind;
    Kind kind;
    rapidjson::Document payload; // result payload, or call_error details
    std::string error_code;      // call_error: the charger's code
    std::string error_description;
};
using CallDone = std::function<void(CallOutcome)>;

class Endpoint final : public net::FrameSink, public std::enable_shared_from_this<Endpoint> {
public:
    Endpoint(std::shared_ptr<net::Connection> connection, const SchemaRegistry& schemas, EndpointMetrics& metrics,
             EndpointOptions options, std::string log_name);

    // The dispatcher is set once, before the first frame arrives.
    void set_dispatcher(std::shared_ptr<CallDispatcher> dispatcher) { dispatcher_ = std::move(dispatcher); }

    // Sends a CALL to the charger; done runs on the strand with its outcome.
    void call(std::string action, rapidjson::Document payload, CallDone done);

    // Runs fn on the session's strand (from any thread).
    void post(std::function<void()> fn) { connection_->post(std::move(fn)); }

    // Closes the WebSocket (e.g. replaced by a newer connection).
    void close(std::uint16_t code, std::string reason);
    const std::string& name() const { return log_name_; }

    bool on_text(std::string text) override;
    void on_binary(std::string data) override;
    void on_closed() override;

private:
    friend class IncomingCall;
    struct OutboundCall {
        std::string unique_id;
        std::string action;
        rapidjson::Document payload;
        CallDone done;
        std::chrono::steady_clock::time_point sent_at{}; // once on the wire
    };

    void answer(std::string unique_id, std::string action, rapidjson::Document payload);
    void answer_error(const std::string& unique_id, const std::string& action, ErrorCode code, std::string description);
    void answer_replacement(const std::string& unique_id, const std::string& action,
                            const ReplacementAnswer& replacement);
    void finish_inbound();
    void send_error(std::string_view unique_id, ErrorCode code, std::string_view description);
    void on_call_result(std::string unique_id, const rapidjson::Value& payload);
    void on_call_error(std::string unique_id, std::string code, std::string description);
    void send_next_call();
    void complete_call(CallOutcome outcome);
    // Counts the outcome, then runs done with it; a done that throws is
    // logged and must not stop the others. sent_at: when the CALL went out,
    // for its round trip.
    void deliver(const CallDone& done, CallOutcome outcome,
                 std::optional<std::chrono::steady_clock::time_point> sent_at = std::nullopt);
    // Takes id out of the pending CALLs; how long ago it arrived, or nullopt
    // when it is not pending (answered already, or the charger left).
    std::optional<std::chrono::steady_clock::duration> take_pending(const std::string& unique_id);

    std::shared_ptr<net::Connection> connection_;
    const SchemaRegistry& schemas_;
    EndpointMetrics& metrics_;
    EndpointOptions options_;
    std::string log_name_;
    std::shared_ptr<CallDispatcher> dispatcher_;
    // Inbound CALLs not answered yet, with when each arrived.
    std::unordered_map<std::string, std::chrono::steady_clock::time_point> pending_ids_;
    bool reading_paused_ = false;
    bool closed_ = false;
    std::optional<OutboundCall> in_flight_;
    std::deque<OutboundCall> outbound_queue_;
    std::uint64_t next_call_number_ = 1;
};

} // namespace csms::ocpp
