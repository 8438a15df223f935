#include "store/event_view.hpp"

#include <algorithm>
#include <charconv>

namespace csms::store {

std::string EventCursor::to_string() const
{
    return std::to_string(status_id) + "." + std::to_string(alert_event_id);
}

std::optional<EventCursor> EventCursor::parse(const std::string& text)
{
    auto dot = text.find('.');
    if (dot == std::string::npos) {
        return std::nullopt;
    }
    EventCursor c;
    auto first = std::from_chars(text.data(), text.data() + dot, c.status_id);
    auto second = std::from_chars(text.data() + dot + 1, text.data() + text.size(), c.alert_event_id);
    if (first.ec != std::errc{} || first.ptr != text.data() + dot || second.ec != std::errc{} ||
        second.ptr != text.data() + text.size() || c.status_id < 0 || c.alert_event_id < 0) {
        return std::nullopt;
    }
    return c;
}

EventCursor latest_event_cursor(Database& db)
{
    auto& s = db.cached(
        "SELECT (SELECT ifnull(max(id), 0) FROM status_history), (SELECT ifnull(max(id), 0) FROM alert_events)");
    ResetGuard guard(s);
    s.step();
    return EventCursor{s.column_int64(0), s.column_int64(1)};
}

std::vector<EventView> events_after(Database& db, EventCursor& cursor, int limit)
{
    const EventCursor start = cursor;
    std::vector<EventView> out;
    {
        auto& s = db.cached(R"sql(
            SELECT id, received_at, charger_id, connector_id, status, error_code
            FROM status_history WHERE id > ?1 ORDER BY id LIMIT ?2)sql");
        ResetGuard guard(s);
        s.bind(1, cursor.status_id);
        s.bind(2, limit);
        while (s.step()) {
            cursor.status_id = s.column_int64(0);
            EventView e;
            e.type = "status";
            e.at = s.column_text(1);
            e.charger_id = s.column_text(2);
            e.connector_id = s.column_int64(3);
            e.what = s.column_text(4);
            e.detail = s.column_text(5);
            e.id = cursor.status_id;
            out.push_back(std::move(e));
        }
    }
    {
        auto& s = db.cached(R"sql(
            SELECT e.id, e.at, a.charger_id, a.connector_id, a.kind, a.message, a.severity, e.event, a.id,
                   a.acknowledged_by
            FROM alert_events e JOIN alerts a ON a.id = e.alert_id WHERE e.id > ?1 ORDER BY e.id LIMIT ?2)sql");
        ResetGuard guard(s);
        s.bind(1, cursor.alert_event_id);
        s.bind(2, limit);
        while (s.step()) {
            cursor.alert_event_id = s.column_int64(0);
            EventView e;
            e.type = "alert";
            e.at = s.column_text(1);
            e.charger_id = s.column_optional_text(2);
            if (!s.column_is_null(3)) {
                e.connector_id = s.column_int64(3);
            }
            e.what = s.column_text(4);
            e.detail = s.column_text(5);
            e.severity = s.column_text(6);
            e.event = s.column_text(7);
            e.alert_id = s.column_int64(8);
            e.acknowledged_by = s.column_optional_text(9);
            e.id = cursor.alert_event_id;
            out.push_back(std::move(e));
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const EventView& a, const EventView& b) { return a.at < b.at; });
    if (static_cast<int>(out.size()) > limit) {
        // Keep the oldest `limit`, and move the cursor only past those.
        out.resize(static_cast<std::size_t>(limit));
        EventCursor kept = start;
        for (const auto& e : out) {
            auto& last = e.type == "status" ? kept.status_id : kept.alert_event_id;
            last = std::max(last, e.id);
        }
        cursor = kept;
    }
    return out;
}

} // namespace csms::store
