#include "csms/handlers/handlers.hpp"
#include "csms/json.hpp"
#include "store/charger_store.hpp"

namespace csms::handlers {

// Every DataTransfer is stored; none has a vendor handler yet, so the answer
// is UnknownVendorId as OCPP 1.6 prescribes for an unrecognised vendorId.
void data_transfer(ChargerSession& session, const ocpp::IncomingCall& call, const rapidjson::Value& payload)
{
    auto data = json::optional_string(payload, "data");
    session.commit_then_reply(
        call,
        [id = session.id(), vendor = json::string(payload, "vendorId"),
         message = json::optional_string(payload, "messageId"), data,
         at = session.now()](store::Database& db) { store::record_data_transfer(db, id, vendor, message, data, at); },
        [] { return json::Reply().set("status", "UnknownVendorId").take(); });
}

} // namespace csms::handlers
