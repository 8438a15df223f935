#include "base/log.hpp"
#include "csms/authorization.hpp"
#include "csms/handlers/handlers.hpp"

namespace csms::handlers {
namespace {

rapidjson::Document answer(const IdTagInfo& info)
{
    return json::Reply().set("idTagInfo", to_json(info)).take();
}

} // namespace

// Our id_tags table answers, unless the tag is a customer of a partner that
// covers this charger: then the partner does, asynchronously, so the
// charger's strand and csmsd's other work never wait for it. A charger
// still run by its primary backend (migration) gets the primary's answer.
void authorize(ChargerSession& session, const ocpp::IncomingCall& call, const rapidjson::Value& payload)
{
    struct Pending {
        std::string tag;
        IdTagInfo info;
        std::string partner; // "" when we answer
    };
    auto pending = std::make_shared<Pending>(Pending{json::string(payload, "idTag"), {}, {}});
    auto self = session.shared_from_this();
    // Relayed to the charger's primary backend: its answer is the one given.
    const bool relayed = session.primary_answer() != nullptr;
    session.commit_then(
        call,
        [self, pending, relayed](store::Database& db) {
            if (auto* delegate = self->services().authorize_delegate; delegate != nullptr && !relayed) {
                pending->partner = delegate->partner_for(db, self->id(), pending->tag);
                if (!pending->partner.empty()) {
                    return;
                }
            }
            pending->info = authorize_id_tag(db, pending->tag, self->services().policy, self->now());
        },
        [self, pending, call] {
            if (pending->partner.empty()) {
                call.result_from([self, pending] {
                    // The id tag identifies a customer: only a redacted prefix is logged.
                    spdlog::debug("[{}] Authorize {} -> {}", self->id(), base::redact(pending->tag),
                                  pending->info.status);
                    return answer(pending->info);
                });
                return;
            }
            self->services().authorize_delegate->ask(
                pending->partner, self->id(), pending->tag, [self, pending, call](AuthorizeDelegate::Decision d) {
                    spdlog::info("[{}] Authorize {} -> {} ({} of partner '{}')", self->id(), base::redact(pending->tag),
                                 d.info.status, d.from_partner ? "answer" : "fallback", pending->partner);
                    call.result(answer(d.info));
                });
        });
}

} // namespace csms::handlers
