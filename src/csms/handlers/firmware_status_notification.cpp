#include "csms/handlers/handlers.hpp"
#include "csms/json.hpp"
#include "store/charger_store.hpp"

namespace csms::handlers {

void firmware_status_notification(ChargerSession& session, const ocpp::IncomingCall& call,
                                  const rapidjson::Value& payload)
{
    session.commit_then_reply(
        call,
        [id = session.id(), status = json::string(payload, "status"), at = session.now()](store::Database& db) {
            store::record_firmware_status(db, id, status, at);
        },
        [] { return json::Reply().take(); });
}

} // namespace csms::handlers
