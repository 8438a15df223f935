#include "store/alert_store.hpp"

#include "store/time_column.hpp"

#include <initializer_list>

namespace csms::store {
namespace {

// The conditions of the alerts_one_active index, so the lookup uses it.
constexpr std::string_view active_key =
    "rule = ?1 AND ifnull(charger_id, '') = ifnull(?2, '') AND ifnull(connector_id, -1) = ifnull(?3, -1) "
    "AND state != 'cleared' AND rule IS NOT NULL";

void bind_key(Statement& statement, const AlertKey& key)
{
    statement.bind(1, key.rule);
    statement.bind(2, key.charger_id);
    statement.bind(3, key.connector_id);
}

constexpr std::string_view alert_columns =
    "id, rule, charger_id, connector_id, kind, severity, message, source_ref, state, raised_at, last_seen_at, "
    "acknowledged_at, acknowledged_by, ack_note, cleared_at, "
    "(SELECT region FROM chargers c WHERE c.charger_id = alerts.charger_id), cleared_by, clear_reason";

AlertView read_alert(const Statement& s)
{
    AlertView a;
    a.id = s.column_int64(0);
    a.rule = s.column_optional_text(1);
    a.charger_id = s.column_optional_text(2);
    a.connector_id = s.column_optional_int64(3);
    a.kind = s.column_text(4);
    a.severity = s.column_text(5);
    a.message = s.column_text(6);
    a.source_ref = s.column_optional_text(7);
    a.state = s.column_text(8);
    a.raised_at = s.column_text(9);
    a.last_seen_at = s.column_optional_text(10);
    a.acknowledged_at = s.column_optional_text(11);
    a.acknowledged_by = s.column_optional_text(12);
    a.ack_note = s.column_optional_text(13);
    a.cleared_at = s.column_optional_text(14);
    a.region = s.column_optional_text(15);
    a.cleared_by = s.column_optional_text(16);
    a.clear_reason = s.column_optional_text(17);
    return a;
}

} // namespace

std::optional<AlertState> parse_alert_state(std::string_view text)
{
    for (auto state : {AlertState::open, AlertState::acknowledged, AlertState::cleared}) {
        if (text == to_string(state)) {
            return state;
        }
    }
    return std::nullopt;
}

std::optional<AlertSeverity> parse_alert_severity(std::string_view text)
{
    for (auto severity : {AlertSeverity::info, AlertSeverity::warning, AlertSeverity::critical}) {
        if (text == to_string(severity)) {
            return severity;
        }
    }
    return std::nullopt;
}

std::pair<std::int64_t, bool> raise_alert(Database& db, const AlertKey& key, std::string_view kind,
                                          AlertSeverity severity, std::string_view message, base::SysTime at)
{
    {
        static const std::string sql =
            "UPDATE alerts SET last_seen_at = ?4 WHERE " + std::string(active_key) + " RETURNING id";
        auto& refresh = db.cached(sql);
        ResetGuard guard(refresh);
        bind_key(refresh, key);
        refresh.bind(4, to_column(at));
        if (refresh.step()) {
            auto id = refresh.column_int64(0);
            while (refresh.step()) {
            }
            return {id, false};
        }
    }
    auto& insert = db.cached(R"sql(
        INSERT INTO alerts (rule, charger_id, connector_id, kind, severity, message, raised_at, last_seen_at, state)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, 'open'))sql");
    bind_key(insert, key);
    insert.bind(4, kind);
    insert.bind(5, to_string(severity));
    insert.bind(6, message);
    insert.bind(7, to_column(at));
    insert.execute();
    return {db.last_insert_rowid(), true};
}

bool clear_alert(Database& db, const AlertKey& key, base::SysTime at)
{
    static const std::string sql =
        "UPDATE alerts SET state = 'cleared', cleared_at = ?4 WHERE " + std::string(active_key);
    auto& statement = db.cached(sql);
    bind_key(statement, key);
    statement.bind(4, to_column(at));
    statement.execute();
    return db.changes() > 0;
}

AckResult acknowledge_alert(Database& db, std::int64_t id, std::string_view operator_name,
                            const std::optional<std::string>& note, base::SysTime at)
{
    auto& ack = db.cached(R"sql(
        UPDATE alerts SET state = 'acknowledged', acknowledged_at = ?2, acknowledged_by = ?3, ack_note = ?4
        WHERE id = ?1 AND state = 'open')sql");
    ack.bind(1, id);
    ack.bind(2, to_column(at));
    ack.bind(3, operator_name);
    ack.bind(4, note);
    ack.execute();
    if (db.changes() > 0) {
        return AckResult::acknowledged;
    }
    auto& probe = db.cached("SELECT state FROM alerts WHERE id = ?1");
    ResetGuard guard(probe);
    probe.bind(1, id);
    if (!probe.step()) {
        return AckResult::not_found;
    }
    return probe.column_text(0) == "cleared" ? AckResult::cleared : AckResult::already_acknowledged;
}

CloseResult close_alert(Database& db, std::int64_t id, std::string_view operator_name, std::string_view reason,
                        base::SysTime at)
{
    auto& close = db.cached(R"sql(
        UPDATE alerts SET state = 'cleared', cleared_at = ?2, cleared_by = ?3, clear_reason = ?4
        WHERE id = ?1 AND state != 'cleared')sql");
    close.bind(1, id);
    close.bind(2, to_column(at));
    close.bind(3, operator_name);
    close.bind(4, reason);
    close.execute();
    if (db.changes() > 0) {
        return CloseResult::closed;
    }
    auto& probe = db.cached("SELECT 1 FROM alerts WHERE id = ?1");
    ResetGuard guard(probe);
    probe.bind(1, id);
    return probe.step() ? CloseResult::already_cleared : CloseResult::not_found;
}

std::vector<AlertView> list_alerts(Database& db, const AlertFilter& f)
{
    // One statement for every combination of filters: a NULL parameter
    // switches its condition off, so the cache holds a single plan.
    static const std::string sql = "SELECT " + std::string(alert_columns) + R"sql(
        FROM alerts
        WHERE (?1 IS NULL OR state = ?1)
          AND (?2 IS NULL OR charger_id = ?2)
          AND (?3 IS NULL OR severity = ?3)
          AND (?4 IS NULL OR id < ?4)
        ORDER BY id DESC
        LIMIT ?5)sql";
    auto& statement = db.cached(sql);
    ResetGuard guard(statement);
    if (f.state) {
        statement.bind(1, to_string(*f.state));
    } else {
        statement.bind(1, nullptr);
    }
    statement.bind(2, f.charger_id);
    if (f.severity) {
        statement.bind(3, to_string(*f.severity));
    } else {
        statement.bind(3, nullptr);
    }
    statement.bind(4, f.before_id);
    statement.bind(5, f.limit);
    std::vector<AlertView> out;
    while (statement.step()) {
        out.push_back(read_alert(statement));
    }
    return out;
}

std::optional<AlertView> find_alert(Database& db, std::int64_t id)
{
    static const std::string sql = "SELECT " + std::string(alert_columns) + " FROM alerts WHERE id = ?1";
    auto& statement = db.cached(sql);
    ResetGuard guard(statement);
    statement.bind(1, id);
    if (!statement.step()) {
        return std::nullopt;
    }
    return read_alert(statement);
}

std::vector<ActiveRuleAlert> active_rule_alerts(Database& db)
{
    auto& s = db.cached(R"sql(
        SELECT rule, charger_id, connector_id, ifnull(last_seen_at, raised_at) FROM alerts
        WHERE rule IS NOT NULL AND state != 'cleared' AND charger_id IS NOT NULL AND connector_id IS NOT NULL)sql");
    ResetGuard guard(s);
    std::vector<ActiveRuleAlert> alerts;
    while (s.step()) {
        alerts.push_back(
            ActiveRuleAlert{s.column_text(0), s.column_text(1), s.column_int(2), s.column_optional_text(3)});
    }
    return alerts;
}

} // namespace csms::store
