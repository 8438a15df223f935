#include "csms/handlers/handlers.hpp"
#include "csms/json.hpp"
#include "store/security_store.hpp"

namespace csms::handlers {

void log_status_notification(ChargerSession& session, const ocpp::IncomingCall& call, const rapidjson::Value& payload)
{
    auto request_id = json::int64_field(payload, "requestId");
    if (request_id.out_of_range) {
        call.error(ocpp::ErrorCode::PropertyConstraintViolation, "requestId is out of range");
        return;
    }
    session.commit_then_reply(
        call,
        [id = session.id(), status = json::string(payload, "status"), request = request_id.value,
         at = session.now()](store::Database& db) { store::record_log_status(db, id, status, request, at); },
        [] { return json::Reply().take(); });
}

} // namespace csms::handlers
