#include "csms/primary_first.hpp"

#include "csms/json.hpp"

#include <utility>

namespace csms {
namespace {

// Session strand. The charger gets the primary's answer whatever the
// handler answers; an unreadable relayed payload is answered (with the
// primary's answer) without being handled.
void handle_relayed(ChargerSession& session, const ocpp::IncomingCall& call, const PrimaryRelay::Outcome& outcome)
{
    auto relayed = call.answered_with(outcome.answer);
    rapidjson::Document payload;
    payload.Parse(outcome.payload.data(), outcome.payload.size());
    if (payload.HasParseError() || !payload.IsObject()) {
        relayed.error(ocpp::ErrorCode::InternalError, "unreadable relayed payload");
        return;
    }
    PrimaryAnswer answer{outcome.primary, std::nullopt};
    if (outcome.answer->result) {
        answer.result.emplace();
        answer.result->Parse(outcome.answer->result->data(), outcome.answer->result->size());
        if (answer.result->HasParseError() || !answer.result->IsObject()) {
            answer.result.reset(); // the charger gets InternalError for it
        }
    }
    session.handle_after_primary(relayed, payload, std::move(answer));
}

} // namespace

PrimaryFirst::PrimaryFirst(std::shared_ptr<ChargerSession> session, PrimaryRelay& relay)
    : session_(std::move(session)), relay_(relay)
{
}

bool PrimaryFirst::handles(std::string_view action) const
{
    return session_->handles(action);
}

void PrimaryFirst::on_closed()
{
    session_->on_closed();
}

// The session's strand goes on with the charger's other frames while the
// primary answers (on the uplinks' thread).
void PrimaryFirst::dispatch(const ocpp::IncomingCall& call, const rapidjson::Value& payload)
{
    if (!relay_.relays(session_->id(), call.action())) {
        session_->dispatch(call, payload);
        return;
    }
    relay_.relay(session_->id(), call.action(), json::text(payload),
                 [session = session_, call](PrimaryRelay::Outcome outcome) {
                     auto shared = std::make_shared<PrimaryRelay::Outcome>(std::move(outcome));
                     session->endpoint().post([session, call, shared] { handle_relayed(*session, call, *shared); });
                 });
}

} // namespace csms
