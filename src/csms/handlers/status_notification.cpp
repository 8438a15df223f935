#include "csms/handlers/handlers.hpp"
#include "csms/json.hpp"
#include "store/charger_store.hpp"

#include <limits>

namespace csms::handlers {

void status_notification(ChargerSession& session, const ocpp::IncomingCall& call, const rapidjson::Value& payload)
{
    auto connector = json::bounded_int(payload, "connectorId", 0, std::numeric_limits<int>::max());
    if (!connector.value) {
        call.error(ocpp::ErrorCode::PropertyConstraintViolation, "connectorId must be 0 (the charger) or more");
        return;
    }
    store::StatusRecord status{session.id(),
                               static_cast<int>(*connector.value),
                               json::string(payload, "status"),
                               json::string(payload, "errorCode"),
                               json::optional_string(payload, "info"),
                               json::optional_string(payload, "vendorId"),
                               json::optional_string(payload, "vendorErrorCode"),
                               json::optional_time(payload, "timestamp"),
                               session.now()};
    session.commit_then_reply(
        call, [status = std::move(status)](store::Database& db) { store::record_status(db, status); },
        [] { return json::Reply().take(); });
}

} // namespace csms::handlers
