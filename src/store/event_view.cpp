#include "store/event_view.hpp"

#include <algorithm>
#include <charconv>

namespace csms::store {

std::string EventCursor::to_string() const
{
    return std::to_string(status_id) + "." + std::to_string(alert_id);
}

std::optional<EventCursor> EventCursor::parse(const std::string& text)
{
    auto dot = text.find('.');
    if (dot == std::string::npos) {
        return std::nullopt;
    }
    EventCursor c;
    auto first = std::from_chars(text.data(), text.data() + dot, c.status_id);
    auto second = std::from_chars(text.data() + dot + 1, text.data() + text.size(), c.alert_id);
    if (first.ec != std::errc{} || first.ptr != text.data() + dot || second.ec != std::errc{} ||
        second.ptr != text.data() + text.size() || c.status_id < 0 || c.alert_id < 0) {
        return std::nullopt;
    }
    return c;
}

EventCursor latest_event_cursor(Database& db)
{
    auto& s =
        db.cached("SELECT (SELECT ifnull(max(id), 0) FROM status_history), (SELECT ifnull(max(id), 0) FROM alerts)");
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
            out.push_back(EventView{"status", s.column_text(1), s.column_text(2), s.column_int64(3), s.column_text(4),
                                    s.column_text(5), std::nullopt, cursor.status_id});
        }
    }
    {
        auto& s = db.cached(R"sql(
            SELECT id, raised_at, charger_id, kind, message, severity
            FROM alerts WHERE id > ?1 ORDER BY id LIMIT ?2)sql");
        ResetGuard guard(s);
        s.bind(1, cursor.alert_id);
        s.bind(2, limit);
        while (s.step()) {
            cursor.alert_id = s.column_int64(0);
            out.push_back(EventView{"alert", s.column_text(1), s.column_optional_text(2), std::nullopt,
                                    s.column_text(3), s.column_text(4), s.column_text(5), cursor.alert_id});
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const EventView& a, const EventView& b) { return a.at < b.at; });
    if (static_cast<int>(out.size()) > limit) {
        // Keep the oldest `limit`, and move the cursor only past those.
        out.resize(static_cast<std::size_t>(limit));
        EventCursor kept = start;
        for (const auto& e : out) {
            auto& last = e.type == "status" ? kept.status_id : kept.alert_id;
            last = std::max(last, e.id);
        }
        cursor = kept;
    }
    return out;
}

} // namespace csms::store
