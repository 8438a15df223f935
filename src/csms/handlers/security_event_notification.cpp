#include "csms/handlers/handlers.hpp"
#include "csms/json.hpp"
#include "store/credentials_store.hpp"
#include "store/security_store.hpp"

#include <spdlog/spdlog.h>

namespace csms::handlers {

// Every event is stored; a critical one (Security Whitepaper appendix) also
// raises an alert in the same transaction, so the rule engine never sees an
// acknowledged critical event without its alert.
void security_event_notification(ChargerSession& session, const ocpp::IncomingCall& call,
                                 const rapidjson::Value& payload)
{
    auto type = json::string(payload, "type");
    bool critical = store::is_critical_security_event(type);
    store::SecurityEventRecord event{session.id(),
                                     type,
                                     json::optional_string(payload, "techInfo"),
                                     json::optional_time(payload, "timestamp"),
                                     critical,
                                     "charger",
                                     std::nullopt,
                                     session.now()};
    auto self = session.shared_from_this();
    session.commit_then_reply(
        call,
        [event = std::move(event)](store::Database& db) {
            store::record_security_event(db, event);
            if (!event.critical) {
                return;
            }
            // record_security_event is one INSERT: its row id is the event's.
            auto event_id = db.last_insert_rowid();
            store::insert_alert(
                db, store::AlertRecord{event.charger_id, "security_event", store::AlertSeverity::critical, event.type,
                                       "security_events:" + std::to_string(event_id), event.received_at});
        },
        [self, critical, type] {
            // Only a type from the critical list is logged, never free text.
            if (critical) {
                spdlog::warn("[{}] critical security event {}: alert raised", self->id(), type);
            }
            return json::Reply().take();
        });
}

} // namespace csms::handlers
