#include "store/notification_store.hpp"

#include "store/time_column.hpp"

namespace csms::store {
std::string_view to_string(DeliveryStatus status)
{
    switch (status) {
    case DeliveryStatus::pending:
        return "pending";
    case DeliveryStatus::sent:
        return "sent";
    case DeliveryStatus::failed:
        return "failed";
    case DeliveryStatus::suppressed:
        return "suppressed";
    }
    return "pending";
}

std::vector<AlertEvent> alert_events_after(Database& db, std::int64_t after, int limit)
{
    auto& s = db.cached("SELECT id, event, route, at, alert_id FROM alert_events WHERE id > ?1 ORDER BY id LIMIT ?2");
    ResetGuard guard(s);
    s.bind(1, after);
    s.bind(2, limit);
    std::vector<AlertEvent> out;
    while (s.step()) {
        AlertEvent e;
        e.event_id = s.column_int64(0);
        e.event = s.column_text(1);
        e.route = s.column_optional_text(2);
        e.at = s.column_text(3);
        e.alert.id = s.column_int64(4);
        out.push_back(std::move(e));
    }
    for (auto& e : out) {
        e.alert = find_alert(db, e.alert.id).value_or(e.alert);
    }
    return out;
}

std::optional<AlertEvent> find_alert_event(Database& db, std::int64_t event_id)
{
    std::int64_t alert_id = 0;
    AlertEvent e;
    {
        auto& s = db.cached("SELECT id, event, route, at, alert_id FROM alert_events WHERE id = ?1");
        ResetGuard guard(s);
        s.bind(1, event_id);
        if (!s.step()) {
            return std::nullopt;
        }
        e.event_id = s.column_int64(0);
        e.event = s.column_text(1);
        e.route = s.column_optional_text(2);
        e.at = s.column_text(3);
        alert_id = s.column_int64(4);
    }
    e.alert = find_alert(db, alert_id).value_or(AlertView{});
    return e;
}

std::optional<std::int64_t> notification_cursor(Database& db, std::string_view name)
{
    auto& s = db.cached("SELECT last_id FROM notification_cursors WHERE name = ?1");
    ResetGuard guard(s);
    s.bind(1, name);
    if (!s.step()) {
        return std::nullopt;
    }
    return s.column_int64(0);
}

std::int64_t newest_alert_event(Database& db)
{
    auto& s = db.cached("SELECT ifnull(max(id), 0) FROM alert_events");
    ResetGuard guard(s);
    s.step();
    return s.column_int64(0);
}

void set_notification_cursor(Database& db, std::string_view name, std::int64_t last_id)
{
    auto& s = db.cached(R"sql(
        INSERT INTO notification_cursors (name, last_id) VALUES (?1, ?2)
        ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id)sql");
    s.bind(1, name);
    s.bind(2, last_id);
    s.execute();
}

bool insert_delivery(Database& db, const NewDelivery& d, base::SysTime at)
{
    auto& s = db.cached(R"sql(
        INSERT OR IGNORE INTO notification_deliveries
            (event_id, alert_id, channel, channel_type, recipient, operator_id, status, next_attempt_at, last_error,
             created_at, sent_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11))sql");
    bind_all(s, d.event_id, d.alert_id, d.channel, d.channel_type, d.recipient, d.operator_id, to_string(d.status),
             to_column(d.next_attempt_at), d.last_error, to_column(at));
    if (d.status == DeliveryStatus::sent) {
        s.bind(11, to_column(at));
    } else {
        s.bind(11, nullptr);
    }
    s.execute();
    return db.changes() > 0;
}

std::vector<DueDelivery> due_deliveries(Database& db, base::SysTime now, int limit)
{
    auto& s = db.cached(R"sql(
        SELECT id, event_id, channel, channel_type, recipient, attempts FROM notification_deliveries
        WHERE status = 'pending' AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?2)sql");
    ResetGuard guard(s);
    s.bind(1, to_column(now));
    s.bind(2, limit);
    std::vector<DueDelivery> out;
    while (s.step()) {
        out.push_back(DueDelivery{s.column_int64(0), s.column_int64(1), s.column_text(2), s.column_text(3),
                                  s.column_text(4), s.column_int(5)});
    }
    return out;
}

std::optional<base::SysTime> next_due_time(Database& db)
{
    auto& s = db.cached("SELECT min(next_attempt_at) FROM notification_deliveries WHERE status = 'pending'");
    ResetGuard guard(s);
    s.step();
    return optional_time_from_column(s.column_optional_text(0));
}

void mark_delivery_sent(Database& db, std::int64_t delivery_id, base::SysTime at)
{
    auto& s = db.cached(R"sql(
        UPDATE notification_deliveries
        SET status = 'sent', attempts = attempts + 1, sent_at = ?2, next_attempt_at = NULL
        WHERE id = ?1 AND status = 'pending')sql");
    s.bind(1, delivery_id);
    s.bind(2, to_column(at));
    s.execute();
}

void mark_delivery_failed(Database& db, std::int64_t delivery_id, std::string_view error,
                          std::optional<base::SysTime> next_attempt)
{
    auto& s = db.cached(R"sql(
        UPDATE notification_deliveries
        SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3,
            status = CASE WHEN ?3 IS NULL THEN 'failed' ELSE 'pending' END
        WHERE id = ?1 AND status = 'pending')sql");
    s.bind(1, delivery_id);
    s.bind(2, error);
    s.bind(3, to_column(next_attempt));
    s.execute();
}

std::vector<AlertView> alerts_to_escalate(Database& db, std::string_view route, base::SysTime raised_by, int limit)
{
    auto& s = db.cached(R"sql(
        SELECT a.id FROM alerts a
        WHERE a.state = 'open' AND a.raised_at <= ?2
          AND NOT EXISTS (SELECT 1 FROM alert_events e
                          WHERE e.alert_id = a.id AND e.event = 'escalated' AND e.route = ?1)
        ORDER BY a.id LIMIT ?3)sql");
    std::vector<std::int64_t> ids;
    {
        ResetGuard guard(s);
        s.bind(1, route);
        s.bind(2, to_column(raised_by));
        s.bind(3, limit);
        while (s.step()) {
            ids.push_back(s.column_int64(0));
        }
    }
    std::vector<AlertView> out;
    for (auto id : ids) {
        if (auto alert = find_alert(db, id)) {
            out.push_back(std::move(*alert));
        }
    }
    return out;
}

bool add_escalation_event(Database& db, std::int64_t alert_id, std::string_view route, base::SysTime at)
{
    auto& s = db.cached(R"sql(
        INSERT OR IGNORE INTO alert_events (alert_id, event, route, at)
        SELECT ?1, 'escalated', ?2, ?3 FROM alerts WHERE id = ?1 AND state = 'open')sql");
    s.bind(1, alert_id);
    s.bind(2, route);
    s.bind(3, to_column(at));
    s.execute();
    return db.changes() > 0;
}

std::vector<DeliveryView> list_deliveries(Database& db, std::int64_t alert_id)
{
    auto& s = db.cached(R"sql(
        SELECT d.id, d.event_id, e.event, d.channel, d.channel_type, d.recipient, d.status, d.attempts,
               d.next_attempt_at, d.last_error, d.created_at, d.sent_at
        FROM notification_deliveries d JOIN alert_events e ON e.id = d.event_id
        WHERE d.alert_id = ?1 ORDER BY d.id)sql");
    ResetGuard guard(s);
    s.bind(1, alert_id);
    std::vector<DeliveryView> out;
    while (s.step()) {
        DeliveryView v;
        v.delivery_id = s.column_int64(0);
        v.event_id = s.column_int64(1);
        v.event = s.column_text(2);
        v.channel = s.column_text(3);
        v.channel_type = s.column_text(4);
        v.recipient = s.column_text(5);
        v.status = s.column_text(6);
        v.attempts = s.column_int(7);
        v.next_attempt_at = s.column_optional_text(8);
        v.last_error = s.column_optional_text(9);
        v.created_at = s.column_text(10);
        v.sent_at = s.column_optional_text(11);
        out.push_back(std::move(v));
    }
    return out;
}

std::vector<InboxItem> list_inbox(Database& db, std::int64_t operator_id, bool unread_only,
                                  std::optional<std::int64_t> before_id, int limit)
{
    auto& s = db.cached(R"sql(
        SELECT d.id, e.event, d.created_at, d.read_at, d.alert_id
        FROM notification_deliveries d JOIN alert_events e ON e.id = d.event_id
        WHERE d.operator_id = ?1 AND d.channel_type = 'inbox' AND d.status = 'sent'
          AND (?2 = 0 OR d.read_at IS NULL) AND (?3 IS NULL OR d.id < ?3)
        ORDER BY d.id DESC LIMIT ?4)sql");
    std::vector<std::pair<InboxItem, std::int64_t>> rows;
    {
        ResetGuard guard(s);
        s.bind(1, operator_id);
        s.bind(2, unread_only ? 1 : 0);
        s.bind(3, before_id);
        s.bind(4, limit);
        while (s.step()) {
            InboxItem item;
            item.message_id = s.column_int64(0);
            item.event = s.column_text(1);
            item.at = s.column_text(2);
            item.read_at = s.column_optional_text(3);
            rows.emplace_back(std::move(item), s.column_int64(4));
        }
    }
    std::vector<InboxItem> out;
    for (auto& [item, alert_id] : rows) {
        item.alert = find_alert(db, alert_id).value_or(AlertView{});
        out.push_back(std::move(item));
    }
    return out;
}

ReadResult mark_inbox_read(Database& db, std::int64_t operator_id, std::int64_t message_id, base::SysTime at)
{
    auto& s = db.cached(R"sql(
        SELECT read_at IS NOT NULL FROM notification_deliveries
        WHERE id = ?1 AND operator_id = ?2 AND channel_type = 'inbox' AND status = 'sent')sql");
    {
        ResetGuard guard(s);
        s.bind(1, message_id);
        s.bind(2, operator_id);
        if (!s.step()) {
            return ReadResult::not_found;
        }
        if (s.column_int(0) != 0) {
            return ReadResult::already_read;
        }
    }
    auto& update = db.cached("UPDATE notification_deliveries SET read_at = ?2 WHERE id = ?1");
    update.bind(1, message_id);
    update.bind(2, to_column(at));
    update.execute();
    return ReadResult::marked;
}

} // namespace csms::store
