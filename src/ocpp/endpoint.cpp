#include "ocpp/endpoint.hpp"

#include "ocpp/charger_actions.hpp"
#include "ocpp/frame.hpp"

#include <spdlog/spdlog.h>

#include <variant>

namespace csms::ocpp {

namespace {

// From a cached Heartbeat (well under a millisecond) to a MeterValues that
// waits for a slow group commit.
const std::vector<double> handling_buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                           0.1,    0.25,  0.5,    1,     2.5,  5,     10};
// A charger on a mobile network answers in tens of milliseconds to seconds;
// the default call timeout is 30 s.
const std::vector<double> round_trip_buckets{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

std::string_view outcome_name(CallOutcomeKind kind)
{
    switch (kind) {
    case CallOutcomeKind::result:
        return "result";
    case CallOutcomeKind::call_error:
        return "call_error";
    case CallOutcomeKind::timeout:
        return "timeout";
    case CallOutcomeKind::closed:
        return "closed";
    case CallOutcomeKind::invalid_request:
        return "invalid_request";
    case CallOutcomeKind::invalid_response:
        return "invalid_response";
    case CallOutcomeKind::queue_full:
        return "queue_full";
    }
    return "unknown";
}

} // namespace

EndpointMetrics::EndpointMetrics(base::Metrics& metrics, const SchemaRegistry& schemas)
{
    const std::string answered_help =
        "Inbound CALLs answered, by action and result (action \"unknown\": one no charger sends in OCPP 1.6)";
    auto count_of = [&](const std::string& action, const char* result) {
        return &metrics.counter("csms_messages_total", answered_help, {{"action", action}, {"result", result}});
    };
    // Actions only the central system sends never arrive as a charger's
    // CALL; one that does is refused and counted as "unknown", which is
    // never answered "ok".
    for (auto name : charger_actions) {
        std::string action(name);
        if (!schemas.knows(action)) {
            continue;
        }
        ActionSeries series{count_of(action, "ok"), count_of(action, "error"), nullptr};
        series.handling = &metrics.histogram("csms_message_handling_seconds",
                                             "Time from a charger's CALL arriving to its answer being sent, by action",
                                             handling_buckets, {{"action", action}});
        by_action_.emplace(std::move(action), series);
    }
    unknown_action_ = ActionSeries{nullptr, count_of("unknown", "error"), nullptr};
    for (auto code : all_error_codes) {
        by_code_[code] = &metrics.counter("csms_callerrors_total", "CALLERRORs sent to chargers, by code",
                                          {{"code", std::string(to_string(code))}});
    }
    for (auto kind :
         {CallOutcomeKind::result, CallOutcomeKind::call_error, CallOutcomeKind::timeout, CallOutcomeKind::closed,
          CallOutcomeKind::invalid_request, CallOutcomeKind::invalid_response, CallOutcomeKind::queue_full}) {
        by_outcome_[kind] = &metrics.counter(
            "csms_commands_total", "CALLs from csmsd to chargers (operator commands, partner calls), by outcome",
            {{"outcome", std::string(outcome_name(kind))}});
    }
    round_trip_ =
        &metrics.histogram("csms_command_round_trip_seconds",
                           "Time from csmsd sending a CALL to a charger to the charger's answer", round_trip_buckets);
}

const EndpointMetrics::ActionSeries& EndpointMetrics::series_for(const std::string& action) const
{
    auto it = by_action_.find(action);
    return it == by_action_.end() ? unknown_action_ : it->second;
}

void EndpointMetrics::count_message(const std::string& action, bool ok)
{
    count(series_for(action), ok);
}

void EndpointMetrics::count_answered(const std::string& action, bool ok, Duration took)
{
    const auto& series = series_for(action);
    count(series, ok);
    if (series.handling != nullptr) {
        series.handling->observe(took);
    }
}

void EndpointMetrics::count(const ActionSeries& series, bool ok)
{
    if (auto* counter = ok ? series.ok : series.error) {
        counter->inc();
    }
}

void EndpointMetrics::count_error(ErrorCode code)
{
    by_code_.at(code)->inc();
}

void EndpointMetrics::count_call(CallOutcomeKind kind, std::optional<Duration> round_trip)
{
    by_outcome_.at(kind)->inc();
    if (round_trip) {
        round_trip_->observe(*round_trip);
    }
}

IncomingCall::IncomingCall(std::shared_ptr<Endpoint> endpoint, std::string unique_id, std::string action)
    : endpoint_(std::move(endpoint)), unique_id_(std::move(unique_id)), action_(std::move(action))
{
}

IncomingCall IncomingCall::answered_with(std::shared_ptr<const ReplacementAnswer> replacement) const
{
    IncomingCall copy = *this;
    copy.replacement_ = std::move(replacement);
    return copy;
}

IncomingCall IncomingCall::without_replacement() const
{
    IncomingCall copy = *this;
    copy.replacement_.reset();
    return copy;
}

bool IncomingCall::replaced() const
{
    if (!replacement_) {
        return false;
    }
    endpoint_->connection_->post([ep = endpoint_, id = unique_id_, action = action_, replacement = replacement_] {
        ep->answer_replacement(id, action, *replacement);
    });
    return true;
}

void IncomingCall::result(rapidjson::Document payload) const
{
    if (replaced()) {
        return;
    }
    auto shared = std::make_shared<rapidjson::Document>(std::move(payload));
    endpoint_->connection_->post(
        [ep = endpoint_, id = unique_id_, action = action_, shared] { ep->answer(id, action, std::move(*shared)); });
}

void IncomingCall::result_on_strand(rapidjson::Document payload) const
{
    if (replacement_) {
        endpoint_->answer_replacement(unique_id_, action_, *replacement_);
        return;
    }
    endpoint_->answer(unique_id_, action_, std::move(payload));
}

void IncomingCall::result_from(std::function<rapidjson::Document()> build) const
{
    if (replaced()) {
        return;
    }
    endpoint_->connection_->post([ep = endpoint_, id = unique_id_, action = action_, build = std::move(build)] {
        rapidjson::Document payload;
        try {
            payload = build();
        } catch (const std::exception& e) {
            spdlog::error("[{}] building the {} answer failed: {}", ep->log_name_, action, e.what());
            ep->answer_error(id, action, ErrorCode::InternalError, "internal error");
            return;
        }
        ep->answer(id, action, std::move(payload));
    });
}

void IncomingCall::error(ErrorCode code, std::string description) const
{
    if (replaced()) {
        return;
    }
    endpoint_->connection_->post(
        [ep = endpoint_, id = unique_id_, action = action_, code, description = std::move(description)]() mutable {
            ep->answer_error(id, action, code, std::move(description));
        });
}

Endpoint::Endpoint(std::shared_ptr<net::Connection> connection, const SchemaRegistry& schemas, EndpointMetrics& metrics,
                   EndpointOptions options, std::string log_name)
    : connection_(std::move(connection)), schemas_(schemas), metrics_(metrics), options_(options),
      log_name_(std::move(log_name))
{
}

bool Endpoint::on_text(std::string text)
{
    const auto received = std::chrono::steady_clock::now(); // parsing and validation count too
    auto parsed = parse_frame(text);
    if (auto* bad = std::get_if<FrameError>(&parsed)) {
        bool is_reply = bad->type == MessageType::call_result || bad->type == MessageType::call_error;
        if (!is_reply) {
            spdlog::info("[{}] unreadable frame: {}", log_name_, bad->description);
            send_error(bad->unique_id.value_or(std::string(unreadable_unique_id)), bad->code, bad->description);
        } else if (in_flight_ && bad->unique_id == in_flight_->unique_id) {
            complete_call(CallOutcome{CallOutcome::Kind::invalid_response, {}, {}, bad->description});
        } else {
            // Answers are never answered, not even a broken one.
            spdlog::info("[{}] broken answer to no pending call ignored: {}", log_name_, bad->description);
        }
        return !reading_paused_;
    }
    auto& frame = std::get<Frame>(parsed);
    switch (frame.type) {
    case MessageType::call: {
        if (pending_ids_.contains(frame.unique_id)) {
            // A charger that timed out resends the same CALL: the answer to
            // the first one answers it too.
            spdlog::debug("[{}] duplicate {} while the first is pending", log_name_, frame.action);
            break;
        }
        if (!schemas_.knows(frame.action)) {
            metrics_.count_message("unknown", false);
            send_error(frame.unique_id, ErrorCode::NotImplemented, "unknown action");
            break;
        }
        if (!is_charger_action(frame.action) || !dispatcher_ || !dispatcher_->handles(frame.action)) {
            metrics_.count_message(frame.action, false);
            send_error(frame.unique_id, ErrorCode::NotSupported, "action not supported by this central system");
            break;
        }
        if (auto violation = schemas_.validate(frame.action, Direction::request, frame.payload())) {
            metrics_.count_message(frame.action, false);
            send_error(frame.unique_id, violation->code, std::string(violation->what) + ": " + violation->detail);
            break;
        }
        pending_ids_.emplace(frame.unique_id, received);
        IncomingCall call(shared_from_this(), frame.unique_id, frame.action);
        try {
            dispatcher_->dispatch(call, frame.payload());
        } catch (const std::exception& e) {
            spdlog::error("[{}] {} handler failed: {}", log_name_, frame.action, e.what());
            answer_error(frame.unique_id, frame.action, ErrorCode::InternalError, "internal error");
        }
        break;
    }
    case MessageType::call_result:
        on_call_result(frame.unique_id, frame.payload());
        break;
    case MessageType::call_error:
        on_call_error(frame.unique_id, frame.error_code, frame.error_description);
        break;
    }
    if (pending_ids_.size() >= options_.max_pending_inbound) {
        reading_paused_ = true;
        return false;
    }
    return true;
}

void Endpoint::on_binary(std::string data)
{
    // OCPP-J uses text frames only. Echo the id when the content is readable
    // so the charger can match the refusal.
    auto parsed = parse_frame(data);
    std::string id(unreadable_unique_id);
    if (auto* frame = std::get_if<Frame>(&parsed)) {
        id = frame->unique_id;
    } else if (auto* bad = std::get_if<FrameError>(&parsed); bad->unique_id) {
        id = *bad->unique_id;
    }
    send_error(id, ErrorCode::FormationViolation, "binary frames are not allowed: OCPP-J uses text frames");
}

void Endpoint::answer(std::string unique_id, std::string action, rapidjson::Document payload)
{
    auto took = take_pending(unique_id);
    if (!took) {
        return; // the charger left; it will resend after reconnecting
    }
    if (auto violation = schemas_.validate(action, Direction::response, payload)) {
        spdlog::error("[{}] our {} answer breaks its schema ({}); sending InternalError", log_name_, action,
                      violation->detail);
        metrics_.count_answered(action, false, *took);
        send_error(unique_id, ErrorCode::InternalError, "internal error");
    } else {
        metrics_.count_answered(action, true, *took);
        connection_->send_text(serialize_call_result(unique_id, payload));
    }
    finish_inbound();
}

void Endpoint::answer_error(const std::string& unique_id, const std::string& action, ErrorCode code,
                            std::string description)
{
    auto took = take_pending(unique_id);
    if (!took) {
        return;
    }
    metrics_.count_answered(action, false, *took);
    send_error(unique_id, code, description);
    finish_inbound();
}

void Endpoint::answer_replacement(const std::string& unique_id, const std::string& action,
                                  const ReplacementAnswer& replacement)
{
    if (!replacement.result) {
        answer_error(unique_id, action, replacement.error_code, replacement.error_description);
        return;
    }
    rapidjson::Document payload;
    payload.Parse(replacement.result->data(), replacement.result->size());
    if (payload.HasParseError() || !payload.IsObject()) {
        spdlog::error("[{}] the {} answer relayed from another backend is not a JSON object", log_name_, action);
        answer_error(unique_id, action, ErrorCode::InternalError, "the backend's answer is not a JSON object");
        return;
    }
    answer(unique_id, action, std::move(payload)); // checked against the schema like our own
}

std::optional<std::chrono::steady_clock::duration> Endpoint::take_pending(const std::string& unique_id)
{
    auto it = closed_ ? pending_ids_.end() : pending_ids_.find(unique_id);
    if (it == pending_ids_.end()) {
        return std::nullopt;
    }
    auto took = std::chrono::steady_clock::now() - it->second;
    pending_ids_.erase(it);
    return took;
}

void Endpoint::finish_inbound()
{
    if (reading_paused_ && pending_ids_.size() < options_.max_pending_inbound) {
        reading_paused_ = false;
        connection_->resume_reading();
    }
}

void Endpoint::send_error(std::string_view unique_id, ErrorCode code, std::string_view description)
{
    metrics_.count_error(code);
    connection_->send_text(serialize_call_error(unique_id, code, description));
}

void Endpoint::call(std::string action, rapidjson::Document payload, CallDone done)
{
    auto shared =
        std::make_shared<OutboundCall>(OutboundCall{{}, std::move(action), std::move(payload), std::move(done)});
    connection_->post([self = shared_from_this(), shared] {
        if (self->closed_) {
            self->deliver(shared->done, CallOutcome{CallOutcome::Kind::closed, {}, {}, "charger disconnected"});
            return;
        }
        if (self->outbound_queue_.size() >= self->options_.max_queued_outbound) {
            self->deliver(shared->done,
                          CallOutcome{CallOutcome::Kind::queue_full, {}, {}, "too many calls queued for this charger"});
            return;
        }
        self->outbound_queue_.push_back(std::move(*shared));
        if (!self->in_flight_) {
            self->send_next_call();
        }
    });
}

void Endpoint::send_next_call()
{
    while (!in_flight_ && !outbound_queue_.empty()) {
        auto next = std::move(outbound_queue_.front());
        outbound_queue_.pop_front();
        if (auto violation = schemas_.validate(next.action, Direction::request, next.payload)) {
            deliver(next.done, CallOutcome{CallOutcome::Kind::invalid_request,
                                           {},
                                           std::string(to_string(violation->code)),
                                           violation->detail});
            continue;
        }
        next.unique_id = "cs-" + std::to_string(next_call_number_++);
        connection_->send_text(serialize_call(next.unique_id, next.action, next.payload));
        next.sent_at = std::chrono::steady_clock::now();
        connection_->run_after(options_.call_timeout, [weak = weak_from_this(), id = next.unique_id] {
            auto self = weak.lock();
            if (self && self->in_flight_ && self->in_flight_->unique_id == id) {
                self->complete_call(CallOutcome{CallOutcome::Kind::timeout, {}, {}, "no answer within the timeout"});
            }
        });
        in_flight_ = std::move(next);
    }
}

void Endpoint::on_call_result(std::string unique_id, const rapidjson::Value& payload)
{
    if (!in_flight_ || in_flight_->unique_id != unique_id) {
        spdlog::debug("[{}] CALLRESULT for no pending call ignored", log_name_);
        return;
    }
    if (auto violation = schemas_.validate(in_flight_->action, Direction::response, payload)) {
        complete_call(CallOutcome{
            CallOutcome::Kind::invalid_response, {}, std::string(to_string(violation->code)), violation->detail});
        return;
    }
    CallOutcome outcome{CallOutcome::Kind::result, {}, {}, {}};
    outcome.payload.CopyFrom(payload, outcome.payload.GetAllocator());
    complete_call(std::move(outcome));
}

void Endpoint::on_call_error(std::string unique_id, std::string code, std::string description)
{
    if (!in_flight_ || in_flight_->unique_id != unique_id) {
        spdlog::debug("[{}] CALLERROR for no pending call ignored", log_name_);
        return;
    }
    complete_call(CallOutcome{CallOutcome::Kind::call_error, {}, std::move(code), std::move(description)});
}

void Endpoint::complete_call(CallOutcome outcome)
{
    auto done = std::move(in_flight_->done);
    const auto sent_at = in_flight_->sent_at;
    in_flight_.reset();
    deliver(done, std::move(outcome), sent_at);
    if (!closed_) {
        send_next_call();
    }
}

void Endpoint::deliver(const CallDone& done, CallOutcome outcome,
                       std::optional<std::chrono::steady_clock::time_point> sent_at)
{
    const bool answered = outcome.kind == CallOutcome::Kind::result || outcome.kind == CallOutcome::Kind::call_error ||
                          outcome.kind == CallOutcome::Kind::invalid_response;
    std::optional<EndpointMetrics::Duration> round_trip;
    if (answered && sent_at) {
        round_trip = std::chrono::steady_clock::now() - *sent_at;
    }
    metrics_.count_call(outcome.kind, round_trip);
    try {
        done(std::move(outcome));
    } catch (const std::exception& e) {
        spdlog::error("[{}] call completion failed: {}", log_name_, e.what());
    }
}

void Endpoint::close(std::uint16_t code, std::string reason)
{
    connection_->close(code, std::move(reason));
}

void Endpoint::on_closed()
{
    closed_ = true;
    if (in_flight_) {
        complete_call(CallOutcome{CallOutcome::Kind::closed, {}, {}, "charger disconnected"});
    }
    while (!outbound_queue_.empty()) {
        auto next = std::move(outbound_queue_.front());
        outbound_queue_.pop_front();
        deliver(next.done, CallOutcome{CallOutcome::Kind::closed, {}, {}, "charger disconnected"});
    }
    if (auto dispatcher = std::move(dispatcher_)) {
        dispatcher->on_closed();
    }
}

} // namespace csms::ocpp
