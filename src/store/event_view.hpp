#pragma once
// Live events for `csmsctl watch`: connector status changes, every step of
// an alert's life (opened, acknowledged, cleared, escalated), chargers
// connecting and disconnecting, boots, and transactions starting and
// stopping, read in arrival order after a cursor. Each comes from a table
// written with what it records (status_history, the alert_events outbox,
// connection_events, and charger_events which triggers fill), so a watcher
// that reconnects with its cursor misses nothing.
#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace csms::store {

// The last row of each source a watcher has seen.
struct EventCursor {
    std::int64_t status_id = 0;        // status_history
    std::int64_t alert_event_id = 0;   // alert_events
    std::int64_t connection_id = 0;    // connection_events
    std::int64_t charger_event_id = 0; // charger_events
    std::string to_string() const;
    // "<status_id>.<alert_event_id>.<connection_id>.<charger_event_id>"
    static std::optional<EventCursor> parse(const std::string& text);
};

enum class EventSource { status, alert, connection, charger };

struct EventView {
    EventSource source = EventSource::status;
    // status | alert | connected | disconnected | boot | transaction_started | transaction_stopped
    std::string type;
    std::string at; // when the CSMS received it, or the alert changed
    std::optional<std::string> charger_id;
    std::optional<std::int64_t> connector_id;
    std::string what;                    // status: the status; alert: its kind
    std::string detail;                  // status: the error code; alert: its message
    std::optional<std::string> severity; // alert only
    std::optional<std::string> event;    // alert only: opened | acknowledged | cleared | escalated
    std::optional<std::int64_t> alert_id;
    std::optional<std::string> acknowledged_by;                               // alert only, once acknowledged
    std::optional<std::string> remote_address;                                // connected
    std::optional<std::string> registration, vendor, model, firmware_version; // boot
    std::optional<std::int64_t> transaction_id;                               // transaction_*
    std::optional<std::int64_t> meter_start_wh;                               // transaction_started
    std::optional<std::int64_t> energy_wh;                                    // transaction_stopped
    std::optional<std::string> stop_reason;                                   // transaction_stopped
    std::int64_t id = 0;                                                      // its row in its source
};

EventCursor latest_event_cursor(Database& db);

// At most `limit` events, the oldest first; `cursor` moves past exactly
// what is returned.
std::vector<EventView> events_after(Database& db, EventCursor& cursor, int limit);

} // namespace csms::store
