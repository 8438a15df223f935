#include "csms/handlers/handlers.hpp"
#include "csms/json.hpp"
#include "csms/last_seen.hpp"
#include "store/charger_store.hpp"
#include "store/time_column.hpp"

namespace csms::handlers {

// A Heartbeat reports nothing but "still here": its only effect is the
// charger's last-seen time. Once this connection has stored one, later ones
// are answered at once and their time is coalesced in memory (LastSeen),
// written once per writer tick; see
// docs/decisions/0009-heartbeat-last-seen-coalesced.md.
void heartbeat(ChargerSession& session, const ocpp::IncomingCall& call, const rapidjson::Value&)
{
    auto now = session.now();
    // to_column writes base::format_date_time's text without snprintf, which
    // was a fifth of a coalesced Heartbeat's cost.
    auto reply = [now] { return json::Reply().set("currentTime", store::to_column(now)).take(); };
    if (session.accepted() && session.heartbeat_stored()) {
        session.services().last_seen.note(session.id(), now);
        call.result_on_strand(reply());
        return;
    }
    // The first one of a connection (and any before the registration is
    // known, which the writer job reads) goes through the writer, so a
    // charger that just connected shows up as heard at once.
    session.set_heartbeat_stored();
    session.commit_then_reply(
        call, [id = session.id(), now](store::Database& db) { store::record_heartbeat(db, id, now); }, reply);
}

} // namespace csms::handlers
