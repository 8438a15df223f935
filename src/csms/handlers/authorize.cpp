#include "base/log.hpp"
#include "csms/authorization.hpp"
#include "csms/handlers/handlers.hpp"

namespace csms::handlers {

void authorize(ChargerSession& session, const ocpp::IncomingCall& call, const rapidjson::Value& payload)
{
    auto info = std::make_shared<IdTagInfo>();
    auto self = session.shared_from_this();
    session.commit_then_reply(
        call,
        [self, info, tag = json::string(payload, "idTag")](store::Database& db) {
            *info = authorize_id_tag(db, tag, self->services().policy, self->now());
        },
        [self, info, tag = json::string(payload, "idTag")] {
            // The id tag identifies a customer: only a redacted prefix is logged.
            spdlog::debug("[{}] Authorize {} -> {}", self->id(), base::redact(tag), info->status);
            return json::Reply().set("idTagInfo", to_json(*info)).take();
        });
}

} // namespace csms::handlers
