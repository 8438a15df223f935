#include "store/stats_source.hpp"

#include "store/query.hpp"
#include "store/time_column.hpp"

namespace csms::store {

std::string newest_stop_received_at(Database& db)
{
    return query_text(db, "SELECT ifnull(max(stop_received_at), '') FROM transactions").value_or("");
}

void for_each_sample_message_after(Database& db, std::int64_t after_id, int limit,
                                   const std::function<void(const StatsSampleMessage&)>& each)
{
    auto& s = db.cached(R"sql(
        SELECT m.id, c.charger_id, c.connector_id, m.time, m.source,
               (SELECT max(CASE WHEN k.measurand = 'Energy.Active.Import.Register' AND k.phase = '' THEN 2
                                WHEN k.measurand IN ('Energy.Active.Import.Register', 'Power.Active.Import',
                                                     'Temperature') THEN 1
                                ELSE 0 END)
                FROM samples s JOIN sample_kinds k ON k.id = s.kind
                WHERE s.connector = m.connector AND s.time = m.time AND s.message = m.id)
        FROM (SELECT * FROM sample_messages WHERE id > ?1 ORDER BY id LIMIT ?2) m
        JOIN sample_connectors c ON c.id = m.connector
        ORDER BY m.id)sql");
    ResetGuard guard(s);
    bind_all(s, after_id, limit);
    while (s.step()) {
        each(StatsSampleMessage{s.column_int64(0), s.column_text(1), s.column_int(2),
                                time_from_ms_column(s.column_int64(3)), s.column_int(4), s.column_int(5)});
    }
}

EnergyNeighbours energy_neighbours(Database& db, std::string_view charger_id, int connector_id, base::SysTime at)
{
    auto& s = db.cached(R"sql(
        WITH energy AS (SELECT id FROM sample_kinds WHERE measurand = 'Energy.Active.Import.Register'),
             c AS (SELECT id FROM sample_connectors WHERE charger_id = ?1 AND connector_id = ?2)
        SELECT (SELECT s.time FROM samples s WHERE s.connector = (SELECT id FROM c)
                AND s.kind IN (SELECT id FROM energy) AND s.time < ?3 ORDER BY s.time DESC LIMIT 1),
               (SELECT s.time FROM samples s WHERE s.connector = (SELECT id FROM c)
                AND s.kind IN (SELECT id FROM energy) AND s.time > ?3 ORDER BY s.time LIMIT 1),
               t.start_timestamp, t.stop_timestamp
        FROM (SELECT 1) LEFT JOIN (SELECT start_timestamp, stop_timestamp FROM transactions
                                   WHERE charger_id = ?1 AND connector_id = ?2 AND start_timestamp < ?4
                                   ORDER BY start_timestamp DESC LIMIT 1) t)sql");
    ResetGuard guard(s);
    bind_all(s, charger_id, connector_id, to_ms_column(at), to_column(at));
    s.step(); // always one row: (SELECT 1) LEFT JOIN
    auto time_at = [&s](int column) -> std::optional<base::SysTime> {
        if (s.column_is_null(column)) {
            return std::nullopt;
        }
        return time_from_ms_column(s.column_int64(column));
    };
    return EnergyNeighbours{time_at(0), time_at(1), s.column_optional_text(2), s.column_optional_text(3)};
}

void for_each_status_after(Database& db, std::int64_t after_id, int limit,
                           const std::function<void(const StatsStatusRow&)>& each)
{
    auto& s = db.cached("SELECT id, charger_id, connector_id, coalesce(timestamp, received_at) FROM status_history "
                        "WHERE id > ?1 ORDER BY id LIMIT ?2");
    ResetGuard guard(s);
    bind_all(s, after_id, limit);
    while (s.step()) {
        each(StatsStatusRow{s.column_int64(0), s.column_text(1), s.column_int(2), s.column_text(3)});
    }
}

std::optional<std::string> next_status_at(Database& db, std::string_view charger_id, int connector_id,
                                          std::string_view after)
{
    return query_text(db,
                      "SELECT min(coalesce(timestamp, received_at)) FROM status_history WHERE charger_id = ?1 "
                      "AND connector_id = ?2 AND coalesce(timestamp, received_at) > ?3",
                      charger_id, connector_id, after);
}

void for_each_session_after(Database& db, std::int64_t after_id, int limit,
                            const std::function<void(const StatsSessionRow&)>& each)
{
    auto& s = db.cached("SELECT transaction_id, charger_id, connector_id, start_timestamp, stop_timestamp "
                        "FROM transactions WHERE transaction_id > ?1 ORDER BY transaction_id LIMIT ?2");
    ResetGuard guard(s);
    bind_all(s, after_id, limit);
    while (s.step()) {
        each(StatsSessionRow{s.column_int64(0), s.column_text(1), s.column_int(2), s.column_text(3),
                             s.column_optional_text(4), ""});
    }
}

void for_each_stop_since(Database& db, std::string_view since, const std::function<void(const StatsSessionRow&)>& each)
{
    auto& s = db.cached("SELECT transaction_id, charger_id, connector_id, start_timestamp, stop_timestamp, "
                        "stop_received_at FROM transactions WHERE stop_received_at >= ?1");
    ResetGuard guard(s);
    bind_all(s, since);
    while (s.step()) {
        each(StatsSessionRow{s.column_int64(0), s.column_text(1), s.column_int(2), s.column_text(3), s.column_text(4),
                             s.column_text(5)});
    }
}

void for_each_connector(Database& db, const std::function<void(const std::string& charger_id, int connector_id)>& each)
{
    auto& s = db.cached("SELECT charger_id, connector_id FROM connector_status");
    ResetGuard guard(s);
    while (s.step()) {
        each(s.column_text(0), s.column_int(1));
    }
}

} // namespace csms::store
