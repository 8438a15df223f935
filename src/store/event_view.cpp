#include "store/event_view.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace csms::store {
namespace {

std::int64_t& position(EventCursor& c, EventSource source)
{
    switch (source) {
    case EventSource::status:
        return c.status_id;
    case EventSource::alert:
        return c.alert_event_id;
    case EventSource::connection:
        return c.connection_id;
    case EventSource::charger:
        return c.charger_event_id;
    }
    return c.status_id;
}

void read_status(Database& db, EventCursor& cursor, int limit, std::vector<EventView>& out)
{
    auto& s = db.cached(R"sql(
        SELECT id, received_at, charger_id, connector_id, status, error_code
        FROM status_history WHERE id > ?1 ORDER BY id LIMIT ?2)sql");
    ResetGuard guard(s);
    s.bind(1, cursor.status_id);
    s.bind(2, limit);
    while (s.step()) {
        EventView e;
        e.source = EventSource::status;
        e.id = cursor.status_id = s.column_int64(0);
        e.type = "status";
        e.at = s.column_text(1);
        e.charger_id = s.column_text(2);
        e.connector_id = s.column_int64(3);
        e.what = s.column_text(4);
        e.detail = s.column_text(5);
        out.push_back(std::move(e));
    }
}

void read_alerts(Database& db, EventCursor& cursor, int limit, std::vector<EventView>& out)
{
    auto& s = db.cached(R"sql(
        SELECT e.id, e.at, a.charger_id, a.connector_id, a.kind, a.message, a.severity, e.event, a.id,
               a.acknowledged_by
        FROM alert_events e JOIN alerts a ON a.id = e.alert_id WHERE e.id > ?1 ORDER BY e.id LIMIT ?2)sql");
    ResetGuard guard(s);
    s.bind(1, cursor.alert_event_id);
    s.bind(2, limit);
    while (s.step()) {
        EventView e;
        e.source = EventSource::alert;
        e.id = cursor.alert_event_id = s.column_int64(0);
        e.type = "alert";
        e.at = s.column_text(1);
        e.charger_id = s.column_optional_text(2);
        e.connector_id = s.column_optional_int64(3);
        e.what = s.column_text(4);
        e.detail = s.column_text(5);
        e.severity = s.column_text(6);
        e.event = s.column_text(7);
        e.alert_id = s.column_int64(8);
        e.acknowledged_by = s.column_optional_text(9);
        out.push_back(std::move(e));
    }
}

void read_connections(Database& db, EventCursor& cursor, int limit, std::vector<EventView>& out)
{
    auto& s = db.cached(R"sql(
        SELECT id, at, charger_id, event, remote_address FROM connection_events WHERE id > ?1 ORDER BY id LIMIT ?2)sql");
    ResetGuard guard(s);
    s.bind(1, cursor.connection_id);
    s.bind(2, limit);
    while (s.step()) {
        EventView e;
        e.source = EventSource::connection;
        e.id = cursor.connection_id = s.column_int64(0);
        e.at = s.column_text(1);
        e.charger_id = s.column_text(2);
        e.type = s.column_text(3);
        e.remote_address = s.column_optional_text(4);
        out.push_back(std::move(e));
    }
}

void read_charger_events(Database& db, EventCursor& cursor, int limit, std::vector<EventView>& out)
{
    // Vendor and model as the charger is now, energy from the stopped
    // transaction (its meter values never change once stopped).
    auto& s = db.cached(R"sql(
        SELECT e.id, e.at, e.charger_id, e.event, e.connector_id, e.transaction_id, e.detail,
               c.vendor, c.model, c.firmware_version, t.meter_start_wh, t.meter_stop_wh
        FROM charger_events e
        LEFT JOIN chargers c ON c.charger_id = e.charger_id
        LEFT JOIN transactions t ON t.transaction_id = e.transaction_id
        WHERE e.id > ?1 ORDER BY e.id LIMIT ?2)sql");
    ResetGuard guard(s);
    s.bind(1, cursor.charger_event_id);
    s.bind(2, limit);
    while (s.step()) {
        EventView e;
        e.source = EventSource::charger;
        e.id = cursor.charger_event_id = s.column_int64(0);
        e.at = s.column_text(1);
        e.charger_id = s.column_text(2);
        e.type = s.column_text(3);
        e.connector_id = s.column_optional_int64(4);
        e.transaction_id = s.column_optional_int64(5);
        if (e.type == "boot") {
            e.registration = s.column_optional_text(6);
            e.vendor = s.column_optional_text(7);
            e.model = s.column_optional_text(8);
            e.firmware_version = s.column_optional_text(9);
        } else if (e.type == "transaction_started") {
            e.meter_start_wh = s.column_optional_int64(10);
        } else {
            e.stop_reason = s.column_optional_text(6);
            auto start = s.column_optional_int64(10);
            auto stop = s.column_optional_int64(11);
            if (start && stop) {
                e.energy_wh = *stop - *start;
            }
        }
        out.push_back(std::move(e));
    }
}

} // namespace

std::string EventCursor::to_string() const
{
    return std::to_string(status_id) + "." + std::to_string(alert_event_id) + "." + std::to_string(connection_id) +
           "." + std::to_string(charger_event_id);
}

std::optional<EventCursor> EventCursor::parse(const std::string& text)
{
    EventCursor c;
    std::array<std::int64_t*, 4> parts{&c.status_id, &c.alert_event_id, &c.connection_id, &c.charger_event_id};
    const char* at = text.data();
    const char* end = text.data() + text.size();
    for (std::size_t i = 0; i < parts.size(); ++i) {
        auto [next, ec] = std::from_chars(at, end, *parts[i]);
        if (ec != std::errc{} || *parts[i] < 0) {
            return std::nullopt;
        }
        if (i + 1 == parts.size()) {
            return next == end ? std::optional<EventCursor>(c) : std::nullopt;
        }
        if (next == end || *next != '.') {
            return std::nullopt;
        }
        at = next + 1;
    }
    return std::nullopt;
}

EventCursor latest_event_cursor(Database& db)
{
    auto& s = db.cached("SELECT (SELECT ifnull(max(id), 0) FROM status_history), "
                        "(SELECT ifnull(max(id), 0) FROM alert_events), "
                        "(SELECT ifnull(max(id), 0) FROM connection_events), "
                        "(SELECT ifnull(max(id), 0) FROM charger_events)");
    ResetGuard guard(s);
    s.step();
    return EventCursor{s.column_int64(0), s.column_int64(1), s.column_int64(2), s.column_int64(3)};
}

std::vector<EventView> events_after(Database& db, EventCursor& cursor, int limit)
{
    const EventCursor start = cursor;
    std::vector<EventView> out;
    // Times are milliseconds, so events of different sources can tie; the
    // sort keeps this order then: a charger comes, then what it reports,
    // then the alerts those reports raise.
    read_connections(db, cursor, limit, out);
    read_charger_events(db, cursor, limit, out);
    read_status(db, cursor, limit, out);
    read_alerts(db, cursor, limit, out);
    std::stable_sort(out.begin(), out.end(), [](const EventView& a, const EventView& b) { return a.at < b.at; });
    if (static_cast<int>(out.size()) > limit) {
        // Keep the oldest `limit`, and move the cursor only past those.
        out.resize(static_cast<std::size_t>(limit));
        EventCursor kept = start;
        for (const auto& e : out) {
            auto& last = position(kept, e.source);
            last = std::max(last, e.id);
        }
        cursor = kept;
    }
    return out;
}

} // namespace csms::store
