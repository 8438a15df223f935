#include "store/rule_source.hpp"

#include "store/query.hpp"
#include "store/time_column.hpp"

#include <string>

namespace csms::store {
namespace {

// The four chargers columns the follower queries end with.
constexpr const char* facts_columns = "c.model, c.region, c.rated_power_w, c.rated_current_a";

std::optional<double> optional_double(const Statement& s, int column)
{
    return s.column_is_null(column) ? std::nullopt : std::optional<double>(s.column_double(column));
}

// The facts read from column `first` on.
ChargerFactsRow facts_at(const Statement& s, int first)
{
    return ChargerFactsRow{s.column_optional_text(first), s.column_optional_text(first + 1),
                           optional_double(s, first + 2), optional_double(s, first + 3)};
}

} // namespace

std::int64_t newest_id(Database& db, std::string_view table)
{
    auto& s = db.cached(std::string("SELECT ifnull(max(id), 0) FROM ") + std::string(table));
    ResetGuard guard(s);
    s.step();
    return s.column_int64(0);
}

std::vector<RuleSampleRow> rule_samples_after(Database& db, std::int64_t after_message_id, int max_messages)
{
    // Whole messages, in arrival order: the cursor is a sample_messages id.
    auto& s = db.cached(std::string(R"sql(
        SELECT m.id, v.charger_id, v.connector_id, m.time, k.measurand, k.phase, s.value, m.received_at, )sql") +
                        facts_columns + R"sql(
        FROM (SELECT * FROM sample_messages WHERE id > ?1 ORDER BY id LIMIT ?2) m
        JOIN sample_connectors v ON v.id = m.connector
        JOIN samples s ON s.connector = m.connector AND s.time = m.time AND s.message = m.id
        JOIN sample_kinds k ON k.id = s.kind
        LEFT JOIN chargers c ON c.charger_id = v.charger_id
        ORDER BY m.id, s.position)sql");
    ResetGuard guard(s);
    bind_all(s, after_message_id, max_messages);
    std::vector<RuleSampleRow> rows;
    while (s.step()) {
        rows.push_back(RuleSampleRow{s.column_int64(0), s.column_text(1), s.column_int(2),
                                     time_from_ms_column(s.column_int64(3)), s.column_text(4), s.column_text(5),
                                     optional_double(s, 6), time_from_ms_column(s.column_int64(7)), facts_at(s, 8)});
    }
    return rows;
}

std::optional<double> energy_register_before(Database& db, std::string_view charger_id, int connector_id,
                                             base::SysTime before)
{
    // Walks the connector's samples backwards; the newest sets carry the
    // register, so this stops after a few rows.
    return query_double(db, R"sql(
        SELECT s.value FROM samples s
        WHERE s.connector = (SELECT id FROM sample_connectors WHERE charger_id = ?1 AND connector_id = ?2)
          AND s.time < ?3 AND s.value IS NOT NULL
          AND s.kind IN (SELECT id FROM sample_kinds WHERE measurand = 'Energy.Active.Import.Register' AND phase = '')
        ORDER BY s.time DESC LIMIT 1)sql",
                        charger_id, connector_id, to_ms_column(before));
}

std::vector<RuleStatusRow> rule_statuses_after(Database& db, std::int64_t after_id, int limit)
{
    auto& s = db.cached(std::string(R"sql(
        SELECT h.id, h.charger_id, h.connector_id, ifnull(h.timestamp, h.received_at), h.received_at, h.status,
               h.error_code, )sql") +
                        facts_columns + R"sql(
        FROM status_history h LEFT JOIN chargers c USING (charger_id)
        WHERE h.id > ?1 ORDER BY h.id LIMIT ?2)sql");
    ResetGuard guard(s);
    bind_all(s, after_id, limit);
    std::vector<RuleStatusRow> rows;
    while (s.step()) {
        rows.push_back(RuleStatusRow{s.column_int64(0), s.column_text(1), s.column_int(2), s.column_text(3),
                                     s.column_text(4), s.column_text(5), s.column_text(6), facts_at(s, 7)});
    }
    return rows;
}

std::vector<RuleConnectionRow> rule_connections_after(Database& db, std::int64_t after_id, int limit)
{
    auto& s = db.cached("SELECT id, charger_id, event, at FROM connection_events WHERE id > ?1 ORDER BY id LIMIT ?2");
    ResetGuard guard(s);
    bind_all(s, after_id, limit);
    std::vector<RuleConnectionRow> rows;
    while (s.step()) {
        rows.push_back(RuleConnectionRow{s.column_int64(0), s.column_text(1), s.column_text(2), s.column_text(3)});
    }
    return rows;
}

std::vector<RuleSecurityEventRow> rule_security_events_after(Database& db, std::int64_t after_id, int limit)
{
    auto& s = db.cached(std::string(R"sql(
        SELECT e.id, e.charger_id, e.type, e.critical = 1 AND e.source = 'charger', )sql") +
                        facts_columns + R"sql(
        FROM security_events e LEFT JOIN chargers c USING (charger_id)
        WHERE e.id > ?1 ORDER BY e.id LIMIT ?2)sql");
    ResetGuard guard(s);
    bind_all(s, after_id, limit);
    std::vector<RuleSecurityEventRow> rows;
    while (s.step()) {
        rows.push_back(RuleSecurityEventRow{s.column_int64(0), s.column_text(1), s.column_text(2), s.column_int(3) != 0,
                                            facts_at(s, 4)});
    }
    return rows;
}

std::vector<RuleChargerRow> rule_chargers(Database& db)
{
    // Heartbeats are not rows of their own (decision 0009): the charger's
    // last_heartbeat column is where they land.
    auto& s = db.cached(R"sql(
        SELECT charger_id, last_heartbeat, model, region, rated_power_w, rated_current_a FROM chargers)sql");
    ResetGuard guard(s);
    std::vector<RuleChargerRow> rows;
    while (s.step()) {
        rows.push_back(RuleChargerRow{s.column_text(0), s.column_optional_text(1), facts_at(s, 2)});
    }
    return rows;
}

std::vector<ChargingTransactionRow> charging_transactions(Database& db)
{
    auto& s = db.cached(R"sql(
        SELECT s.charger_id, s.connector_id, t.transaction_id,
               ifnull((SELECT strftime('%Y-%m-%dT%H:%M:%fZ', m.received_at / 1000.0, 'unixepoch')
                       FROM sample_spans p
                       JOIN samples v ON v.connector = p.connector AND v.time = p.last_time
                       JOIN sample_messages m ON m.id = v.message AND m.transaction_id = p.transaction_id
                       WHERE p.transaction_id = t.transaction_id ORDER BY p.last_time DESC LIMIT 1),
                      t.start_received_at),
               (SELECT k.value FROM charger_configuration k
                WHERE k.charger_id = s.charger_id AND k.key = 'MeterValueSampleInterval'),
               c.model, c.region, c.rated_power_w, c.rated_current_a
        FROM connector_status s
        JOIN transactions t ON t.charger_id = s.charger_id AND t.connector_id = s.connector_id
                           AND t.stop_received_at IS NULL
        LEFT JOIN chargers c ON c.charger_id = s.charger_id
        WHERE s.status = 'Charging')sql");
    ResetGuard guard(s);
    std::vector<ChargingTransactionRow> rows;
    while (s.step()) {
        rows.push_back(ChargingTransactionRow{s.column_text(0), s.column_int(1), s.column_int64(2), s.column_text(3),
                                              s.column_optional_text(4), facts_at(s, 5)});
    }
    return rows;
}

std::optional<ChargerFactsRow> charger_facts(Database& db, std::string_view charger_id)
{
    auto& s = db.cached("SELECT model, region, rated_power_w, rated_current_a FROM chargers WHERE charger_id = ?1");
    ResetGuard guard(s);
    bind_all(s, charger_id);
    if (!s.step()) {
        return std::nullopt;
    }
    return facts_at(s, 0);
}

std::vector<std::pair<std::string, ChargerFactsRow>> chargers_stopped_after(Database& db, std::string_view after)
{
    auto& s = db.cached(R"sql(
        SELECT DISTINCT t.charger_id, c.model, c.region, c.rated_power_w, c.rated_current_a
        FROM transactions t JOIN chargers c USING (charger_id)
        WHERE t.stop_received_at > ?1)sql");
    ResetGuard guard(s);
    bind_all(s, after);
    std::vector<std::pair<std::string, ChargerFactsRow>> rows;
    while (s.step()) {
        rows.emplace_back(s.column_text(0), facts_at(s, 1));
    }
    return rows;
}

std::optional<std::string> newest_stop_after(Database& db, std::string_view after)
{
    return query_text(db, "SELECT max(stop_received_at) FROM transactions WHERE stop_received_at > ?1", after);
}

std::vector<FinishedSessionRow> last_finished_sessions(Database& db, std::string_view charger_id, int limit)
{
    auto& s = db.cached(R"sql(
        SELECT meter_stop_wh - meter_start_wh, start_timestamp, stop_timestamp FROM transactions
        WHERE charger_id = ?1 AND stop_received_at IS NOT NULL AND stop_timestamp > start_timestamp
        ORDER BY start_timestamp DESC LIMIT ?2)sql");
    ResetGuard guard(s);
    bind_all(s, charger_id, limit);
    std::vector<FinishedSessionRow> rows;
    while (s.step()) {
        rows.push_back(FinishedSessionRow{s.column_int64(0), s.column_text(1), s.column_text(2)});
    }
    return rows;
}

} // namespace csms::store
