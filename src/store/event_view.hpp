#pragma once
// Live events for `csmsctl watch`: connector status changes and every step
// of an alert's life (opened, acknowledged, cleared, escalated), read in
// arrival order after a cursor. Both come from tables that are written with
// what they record (status_history, and the alert_events outbox its triggers
// fill), so a watcher that reconnects with its cursor misses nothing.
#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace csms::store {

// The last status_history and alert_events rows a watcher has seen.
struct EventCursor {
    std::int64_t status_id = 0;
    std::int64_t alert_event_id = 0;
    std::string to_string() const;
    static std::optional<EventCursor> parse(const std::string& text); // "<status_id>.<alert_event_id>"
};

struct EventView {
    std::string type; // "status" | "alert"
    std::string at;   // when the CSMS received it, or the alert changed
    std::optional<std::string> charger_id;
    std::optional<std::int64_t> connector_id;
    std::string what;                    // status: the status; alert: its kind
    std::string detail;                  // status: the error code; alert: its message
    std::optional<std::string> severity; // alert only
    std::optional<std::string> event;    // alert only: opened | acknowledged | cleared | escalated
    std::optional<std::int64_t> alert_id;
    std::optional<std::string> acknowledged_by; // alert only, once acknowledged
    std::int64_t id = 0;                        // its row in status_history or alert_events
};

EventCursor latest_event_cursor(Database& db);

// At most `limit` events, the oldest first; `cursor` moves past exactly
// what is returned.
std::vector<EventView> events_after(Database& db, EventCursor& cursor, int limit);

} // namespace csms::store
