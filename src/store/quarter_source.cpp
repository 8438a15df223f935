#include "store/quarter_source.hpp"

#include "store/query.hpp"
#include "store/time_column.hpp"

#include <cstdint>

namespace csms::store {

std::vector<QuarterSession> quarter_sessions(Database& db, const QuarterKey& k, std::string_view started_since)
{
    // A session with no stop yet reads samples until the connector's next
    // session starts: one the charger lost and never stopped must not take
    // the next sessions' energy as its own.
    auto& s = db.cached(R"sql(
        SELECT t.start_timestamp,
               coalesce(t.stop_timestamp,
                        (SELECT n.start_timestamp FROM transactions n
                         WHERE n.charger_id = t.charger_id AND n.connector_id = t.connector_id
                           AND n.start_timestamp > t.start_timestamp
                         ORDER BY n.start_timestamp LIMIT 1),
                        '9999-12-31T23:59:59.999Z'),
               t.meter_start_wh, t.meter_stop_wh
        FROM transactions t
        WHERE t.charger_id = ?1 AND t.connector_id = ?2 AND t.start_timestamp < ?4 AND t.start_timestamp >= ?5
          AND (t.stop_timestamp IS NULL OR t.stop_timestamp >= ?3))sql");
    ResetGuard guard(s);
    bind_all(s, k.charger_id, k.connector_id, k.start, k.end, started_since);
    std::vector<QuarterSession> sessions;
    while (s.step()) {
        QuarterSession session{s.column_text(0), s.column_text(1), s.column_double(2), std::nullopt};
        if (!s.column_is_null(3)) {
            session.meter_stop_wh = s.column_double(3);
        }
        sessions.push_back(std::move(session));
    }
    return sessions;
}

std::vector<base::RegisterReading> session_register_samples(Database& db, const QuarterKey& k,
                                                            base::SysTime session_start, base::SysTime session_stop,
                                                            base::SysTime quarter_start, base::SysTime quarter_end)
{
    std::vector<base::RegisterReading> readings;
    auto run = [&](const std::string& condition, const std::vector<std::int64_t>& times) {
        auto& s = db.cached(
            "SELECT s.time, s.value FROM samples s "
            "WHERE s.connector = (SELECT id FROM sample_connectors WHERE charger_id = ?1 AND connector_id = ?2) "
            "AND s.kind IN (SELECT id FROM sample_kinds WHERE measurand = ?3 AND phase = '') "
            "AND s.value IS NOT NULL AND s.time > ?4 AND s.time < ?5 AND " +
            condition);
        ResetGuard guard(s);
        bind_all(s, k.charger_id, k.connector_id, "Energy.Active.Import.Register", to_ms_column(session_start),
                 to_ms_column(session_stop));
        for (std::size_t i = 0; i < times.size(); ++i) {
            s.bind(static_cast<int>(i) + 6, times[i]);
        }
        while (s.step()) {
            readings.push_back({time_from_ms_column(s.column_int64(0)), s.column_double(1)});
        }
    };
    const auto start = to_ms_column(quarter_start);
    const auto end = to_ms_column(quarter_end);
    run("s.time <= ?6 ORDER BY s.time DESC, s.message DESC, s.position DESC LIMIT 1", {start});
    run("s.time > ?6 AND s.time < ?7 ORDER BY s.time, s.message, s.position", {start, end});
    run("s.time >= ?6 ORDER BY s.time, s.message, s.position LIMIT 1", {end});
    return readings;
}

std::optional<double> max_sample_value(Database& db, const QuarterKey& k, std::string_view measurand, bool total_only,
                                       base::SysTime from, base::SysTime to)
{
    return query_double(db, R"sql(
        SELECT max(s.value) FROM samples s
        JOIN sample_messages m ON m.id = s.message
        WHERE s.connector = (SELECT id FROM sample_connectors WHERE charger_id = ?1 AND connector_id = ?2)
          AND s.kind IN (SELECT id FROM sample_kinds WHERE measurand = ?3 AND (?6 = 0 OR phase = ''))
          AND s.time >= ?4 AND s.time < ?5 AND m.source = 0)sql",
                        k.charger_id, k.connector_id, measurand, to_ms_column(from), to_ms_column(to),
                        total_only ? 1 : 0);
}

std::optional<std::string> status_at_start(Database& db, const QuarterKey& k)
{
    return query_text(db, R"sql(
        SELECT status FROM status_history
        WHERE charger_id = ?1 AND connector_id = ?2 AND coalesce(timestamp, received_at) < ?3
        ORDER BY coalesce(timestamp, received_at) DESC, id DESC LIMIT 1)sql",
                      k.charger_id, k.connector_id, k.start);
}

std::vector<QuarterStatusChange> status_changes(Database& db, const QuarterKey& k)
{
    auto& s = db.cached(R"sql(
        SELECT coalesce(timestamp, received_at), status FROM status_history
        WHERE charger_id = ?1 AND connector_id = ?2 AND coalesce(timestamp, received_at) >= ?3
          AND coalesce(timestamp, received_at) < ?4
        ORDER BY coalesce(timestamp, received_at), id)sql");
    ResetGuard guard(s);
    bind_all(s, k.charger_id, k.connector_id, k.start, k.end);
    std::vector<QuarterStatusChange> changes;
    while (s.step()) {
        changes.push_back({s.column_text(0), s.column_text(1)});
    }
    return changes;
}

int sessions_started_in(Database& db, const QuarterKey& k)
{
    return static_cast<int>(query_int64(db,
                                        "SELECT count(*) FROM transactions WHERE charger_id = ?1 AND connector_id = ?2 "
                                        "AND start_timestamp >= ?3 AND start_timestamp < ?4",
                                        k.charger_id, k.connector_id, k.start, k.end)
                                .value_or(0));
}

int sessions_stopped_in(Database& db, const QuarterKey& k)
{
    return static_cast<int>(query_int64(db,
                                        "SELECT count(*) FROM transactions WHERE charger_id = ?1 AND connector_id = ?2 "
                                        "AND stop_timestamp >= ?3 AND stop_timestamp < ?4",
                                        k.charger_id, k.connector_id, k.start, k.end)
                                .value_or(0));
}

} // namespace csms::store
