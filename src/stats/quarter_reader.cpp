#include "stats/quarter_reader.hpp"

#include "base/register_curve.hpp"
#include "stats/figures.hpp"
#include "store/time_column.hpp"

#include <chrono>
#include <cmath>

namespace csms::stats {
namespace {

constexpr const char* energy_register = "Energy.Active.Import.Register";

// A session whose start lies further back is not looked at (docs/statistics.md).
constexpr std::chrono::days longest_session{7};

struct Key {
    const std::string& charger_id;
    int connector_id;
    std::string start; // the quarter, as time columns
    std::string end;
};

struct SessionSpan {
    std::string start, stop; // stop: the next session's start, or far in the future, while it runs
    double meter_start_wh = 0;
    std::optional<double> meter_stop_wh;
};

// The session's register samples strictly between its start and stop (its
// meterStart and meterStop stand for those instants, as in its bill) that
// interpolation needs for the quarter: the last at or before the quarter's
// start, those inside it, the first at or after its end.
void add_samples(store::Database& db, const Key& k, const SessionSpan& session,
                 std::vector<base::RegisterReading>& readings)
{
    const auto quarter_start = store::to_ms_column(store::time_from_column(k.start));
    const auto quarter_end = store::to_ms_column(store::time_from_column(k.end));
    auto run = [&](const std::string& condition, const std::vector<std::int64_t>& times) {
        // The same samples as a bill reads (store::register_samples).
        auto& s = db.cached(
            "SELECT s.time, s.value FROM samples s "
            "WHERE s.connector = (SELECT id FROM sample_connectors WHERE charger_id = ?1 AND connector_id = ?2) "
            "AND s.kind IN (SELECT id FROM sample_kinds WHERE measurand = ?3 AND phase = '') "
            "AND s.value IS NOT NULL AND s.time > ?4 AND s.time < ?5 AND " +
            condition);
        store::ResetGuard guard(s);
        s.bind(1, k.charger_id);
        s.bind(2, k.connector_id);
        s.bind(3, energy_register);
        s.bind(4, store::to_ms_column(store::time_from_column(session.start)));
        s.bind(5, store::to_ms_column(store::time_from_column(session.stop)));
        for (std::size_t i = 0; i < times.size(); ++i) {
            s.bind(static_cast<int>(i) + 6, times[i]);
        }
        while (s.step()) {
            readings.push_back({store::time_from_ms_column(s.column_int64(0)), s.column_double(1)});
        }
    };
    run("s.time <= ?6 ORDER BY s.time DESC, s.message DESC, s.position DESC LIMIT 1", {quarter_start});
    run("s.time > ?6 AND s.time < ?7 ORDER BY s.time, s.message, s.position", {quarter_start, quarter_end});
    run("s.time >= ?6 ORDER BY s.time, s.message, s.position LIMIT 1", {quarter_end});
}

// The energy the connector's sessions delivered inside [start, end): each
// session's meterStart, register samples and meterStop make its curve
// (base/register_curve.hpp), so a session's quarters add up to
// meterStop - meterStart, the energy its transaction and its bill show.
// A register rising outside any session is not a session's energy.
std::int64_t session_energy(store::Database& db, const Key& k, base::SysTime start, base::SysTime end)
{
    std::vector<SessionSpan> sessions;
    {
        // A session with no stop yet reads samples until the connector's
        // next session starts: one the charger lost and never stopped must
        // not take the next sessions' energy as its own.
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
        store::ResetGuard guard(s);
        s.bind(1, k.charger_id);
        s.bind(2, k.connector_id);
        s.bind(3, k.start);
        s.bind(4, k.end);
        s.bind(5, store::to_column(start - longest_session));
        while (s.step()) {
            SessionSpan span{s.column_text(0), s.column_text(1), s.column_double(2), std::nullopt};
            if (!s.column_is_null(3)) {
                span.meter_stop_wh = s.column_double(3);
            }
            sessions.push_back(std::move(span));
        }
    }
    std::int64_t wh = 0;
    for (const auto& session : sessions) {
        std::vector<base::RegisterReading> readings{{store::time_from_column(session.start), session.meter_start_wh}};
        add_samples(db, k, session, readings);
        if (session.meter_stop_wh) {
            readings.push_back({store::time_from_column(session.stop), *session.meter_stop_wh});
        }
        wh += base::RegisterCurve(readings).delivered_between(start, end);
    }
    return wh;
}

std::optional<double> max_sample(store::Database& db, const Key& k, const char* measurand, bool total_only)
{
    auto& s = db.cached(R"sql(
        SELECT max(s.value) FROM samples s
        JOIN sample_messages m ON m.id = s.message
        WHERE s.connector = (SELECT id FROM sample_connectors WHERE charger_id = ?1 AND connector_id = ?2)
          AND s.kind IN (SELECT id FROM sample_kinds WHERE measurand = ?3 AND (?6 = 0 OR phase = ''))
          AND s.time >= ?4 AND s.time < ?5 AND m.source = 0)sql");
    store::ResetGuard guard(s);
    s.bind(1, k.charger_id);
    s.bind(2, k.connector_id);
    s.bind(3, measurand);
    s.bind(4, store::to_ms_column(store::time_from_column(k.start)));
    s.bind(5, store::to_ms_column(store::time_from_column(k.end)));
    s.bind(6, total_only ? 1 : 0);
    s.step();
    if (s.column_is_null(0)) {
        return std::nullopt;
    }
    return s.column_double(0);
}

StatusFigures statuses(store::Database& db, const Key& k, base::SysTime start, base::SysTime end)
{
    std::optional<std::string> initial;
    {
        auto& s = db.cached(R"sql(
            SELECT status FROM status_history
            WHERE charger_id = ?1 AND connector_id = ?2 AND coalesce(timestamp, received_at) < ?3
            ORDER BY coalesce(timestamp, received_at) DESC, id DESC LIMIT 1)sql");
        store::ResetGuard guard(s);
        s.bind(1, k.charger_id);
        s.bind(2, k.connector_id);
        s.bind(3, k.start);
        if (s.step()) {
            initial = s.column_text(0);
        }
    }
    std::vector<StatusChange> changes;
    auto& s = db.cached(R"sql(
        SELECT coalesce(timestamp, received_at), status FROM status_history
        WHERE charger_id = ?1 AND connector_id = ?2 AND coalesce(timestamp, received_at) >= ?3
          AND coalesce(timestamp, received_at) < ?4
        ORDER BY coalesce(timestamp, received_at), id)sql");
    store::ResetGuard guard(s);
    s.bind(1, k.charger_id);
    s.bind(2, k.connector_id);
    s.bind(3, k.start);
    s.bind(4, k.end);
    while (s.step()) {
        changes.push_back({store::time_from_column(s.column_text(0)), s.column_text(1)});
    }
    return status_figures(initial, changes, start, end);
}

int count_sessions(store::Database& db, const Key& k, bool stops)
{
    auto& s = db.cached(stops ? "SELECT count(*) FROM transactions WHERE charger_id = ?1 AND connector_id = ?2 "
                                "AND stop_timestamp >= ?3 AND stop_timestamp < ?4"
                              : "SELECT count(*) FROM transactions WHERE charger_id = ?1 AND connector_id = ?2 "
                                "AND start_timestamp >= ?3 AND start_timestamp < ?4");
    store::ResetGuard guard(s);
    s.bind(1, k.charger_id);
    s.bind(2, k.connector_id);
    s.bind(3, k.start);
    s.bind(4, k.end);
    s.step();
    return s.column_int(0);
}

std::int64_t whole_seconds(std::int64_t ms)
{
    return (ms + 500) / 1000;
}

} // namespace

store::QuarterStats read_quarter(store::Database& db, const base::TimeZone& zone, const std::string& charger_id,
                                 int connector_id, const Quarter& quarter, base::SysTime now)
{
    Key k{charger_id, connector_id, store::to_column(quarter.start), store::to_column(quarter.end)};
    store::QuarterStats out;
    out.charger_id = charger_id;
    out.connector_id = connector_id;
    out.quarter_start = quarter.start;
    out.local_date = quarter.local_date;
    out.local_time = quarter.local_time;
    out.time_zone = zone.name();
    out.energy_wh = static_cast<double>(session_energy(db, k, quarter.start, quarter.end));
    auto lived_until = std::clamp(now, quarter.start, quarter.end);
    auto figures = statuses(db, k, quarter.start, lived_until);
    out.charging_s = whole_seconds(figures.charging_ms);
    out.available_s = whole_seconds(figures.available_ms);
    out.faults = figures.faults;
    out.sessions_started = count_sessions(db, k, false);
    out.sessions_finished = count_sessions(db, k, true);
    out.peak_power_w = max_sample(db, k, "Power.Active.Import", true);
    out.max_temperature_c = max_sample(db, k, "Temperature", false);
    return out;
}

} // namespace csms::stats
