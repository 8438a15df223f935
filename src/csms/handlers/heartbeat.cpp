#include "base/time_format.hpp"
#include "csms/handlers/handlers.hpp"
#include "csms/json.hpp"
#include "store/charger_store.hpp"

namespace csms::handlers {

void heartbeat(ChargerSession& session, const ocpp::IncomingCall& call, const rapidjson::Value&)
{
    auto now = session.now();
    session.commit_then_reply(
        call, [id = session.id(), now](store::Database& db) { store::record_heartbeat(db, id, now); },
        [now] { return json::Reply().set("currentTime", base::format_date_time(now)).take(); });
}

} // namespace csms::handlers
