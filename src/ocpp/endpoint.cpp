#include "ocpp/endpoint.hpp"

#include "ocpp/frame.hpp"

#include <spdlog/spdlog.h>

#include <variant>

namespace csms::ocpp {

EndpointMetrics::EndpointMetrics(base::Metrics& metrics, const SchemaRegistry& schemas)
{
    auto pair_for = [&metrics](const std::string& action) {
        return std::pair{&metrics.counter("csms_messages_total", "Inbound CALLs answered, by action and result",
                                          {{"action", action}, {"result", "ok"}}),
                         &metrics.counter("csms_messages_total", "Inbound CALLs answered, by action and result",
                                          {{"action", action}, {"result", "error"}})};
    };
    for (const auto& action : schemas.actions()) {
        by_action_.emplace(action, pair_for(action));
    }
    unknown_action_ = pair_for("unknown");
    for (auto code : all_error_codes) {
        by_code_[code] = &metrics.counter("csms_callerrors_total", "CALLERRORs sent to chargers, by code",
                                          {{"code", std::string(to_string(code))}});
    }
}

void EndpointMetrics::count_message(const std::string& action, bool ok)
{
    auto it = by_action_.find(action);
    auto& pair = it == by_action_.end() ? unknown_action_ : it->second;
    (ok ? pair.first : pair.second)->inc();
}

void EndpointMetrics::count_error(ErrorCode code)
{
    by_code_.at(code)->inc();
}

namespace {

// A completion that throws must not stop the others from running.
void deliver(const CallDone& done, CallOutcome outcome, const std::string& log_name)
{
    try {
        done(std::move(outcome));
    } catch (const std::exception& e) {
        spdlog::error("[{}] call completion failed: {}", log_name, e.what());
    }
}

} // namespace

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
        if (!dispatcher_ || !dispatcher_->handles(frame.action)) {
            metrics_.count_message(frame.action, false);
            send_error(frame.unique_id, ErrorCode::NotSupported, "action not supported by this central system");
            break;
        }
        if (auto violation = schemas_.validate(frame.action, Direction::request, frame.payload())) {
            metrics_.count_message(frame.action, false);
            send_error(frame.unique_id, violation->code, std::string(violation->what) + ": " + violation->detail);
            break;
        }
        pending_ids_.insert(frame.unique_id);
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
    if (closed_ || pending_ids_.erase(unique_id) == 0) {
        return; // the charger left; it will resend after reconnecting
    }
    if (auto violation = schemas_.validate(action, Direction::response, payload)) {
        spdlog::error("[{}] our {} answer breaks its schema ({}); sending InternalError", log_name_, action,
                      violation->detail);
        metrics_.count_message(action, false);
        send_error(unique_id, ErrorCode::InternalError, "internal error");
    } else {
        metrics_.count_message(action, true);
        connection_->send_text(serialize_call_result(unique_id, payload));
    }
    finish_inbound();
}

void Endpoint::answer_error(const std::string& unique_id, const std::string& action, ErrorCode code,
                            std::string description)
{
    if (closed_ || pending_ids_.erase(unique_id) == 0) {
        return;
    }
    metrics_.count_message(action, false);
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
            deliver(shared->done, CallOutcome{CallOutcome::Kind::closed, {}, {}, "charger disconnected"},
                    self->log_name_);
            return;
        }
        if (self->outbound_queue_.size() >= self->options_.max_queued_outbound) {
            deliver(shared->done,
                    CallOutcome{CallOutcome::Kind::queue_full, {}, {}, "too many calls queued for this charger"},
                    self->log_name_);
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
            deliver(
                next.done,
                CallOutcome{
                    CallOutcome::Kind::invalid_request, {}, std::string(to_string(violation->code)), violation->detail},
                log_name_);
            continue;
        }
        next.unique_id = "cs-" + std::to_string(next_call_number_++);
        connection_->send_text(serialize_call(next.unique_id, next.action, next.payload));
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
    in_flight_.reset();
    deliver(done, std::move(outcome), log_name_);
    if (!closed_) {
        send_next_call();
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
        deliver(next.done, CallOutcome{CallOutcome::Kind::closed, {}, {}, "charger disconnected"}, log_name_);
    }
    if (auto dispatcher = std::move(dispatcher_)) {
        dispatcher->on_closed();
    }
}

} // namespace csms::ocpp
