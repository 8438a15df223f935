#include "stats/quarter_reader.hpp"

#include "stats/figures.hpp"
#include "store/time_column.hpp"

#include <chrono>
#include <cmath>

namespace csms::stats {
namespace {

constexpr const char* energy_register = "Energy.Active.Import.Register";

// Samples are read from MeterValues only: the core stores a StopTransaction's
// transactionData under connector 0 (the message names no connector), where
// they would count as the charger's own; its meterStop is read instead.

// A session whose start lies further back is not looked at for the
// meterStart/meterStop fallback (docs/statistics.md).
constexpr std::chrono::days longest_session{7};

struct Key {
    const std::string& charger_id;
    int connector_id;
    std::string start; // the quarter, as time columns
    std::string end;
};

RegisterPoint register_point(store::Statement& s)
{
    return RegisterPoint{store::time_from_column(s.column_text(0)), s.column_double(1)};
}

// The register samples inside the quarter and the nearest on either side.
std::vector<RegisterPoint> register_points(store::Database& db, const Key& k)
{
    std::vector<RegisterPoint> points;
    auto run = [&](const std::string& condition, const std::vector<const std::string*>& times) {
        auto& s = db.cached("SELECT timestamp, normalized_value FROM meter_values WHERE charger_id = ?1 "
                            "AND connector_id = ?2 AND measurand = ?3 AND phase = '' AND source = 'MeterValues' "
                            "AND normalized_value IS NOT NULL AND " +
                            condition);
        store::ResetGuard guard(s);
        s.bind(1, k.charger_id);
        s.bind(2, k.connector_id);
        s.bind(3, energy_register);
        for (std::size_t i = 0; i < times.size(); ++i) {
            s.bind(static_cast<int>(i) + 4, *times[i]);
        }
        while (s.step()) {
            points.push_back(register_point(s));
        }
    };
    run("timestamp < ?4 ORDER BY timestamp DESC LIMIT 1", {&k.start});
    run("timestamp >= ?4 AND timestamp < ?5 ORDER BY timestamp, id", {&k.start, &k.end});
    run("timestamp >= ?4 ORDER BY timestamp LIMIT 1", {&k.end});
    return points;
}

// Sessions with no register sample between start and stop contribute their
// meterStop - meterStart, spread evenly over their duration.
double fallback_energy(store::Database& db, const Key& k, base::SysTime start, base::SysTime end)
{
    auto& s = db.cached(R"sql(
        SELECT t.start_timestamp, t.meter_start_wh, t.stop_timestamp, t.meter_stop_wh FROM transactions t
        WHERE t.charger_id = ?1 AND t.connector_id = ?2 AND t.start_timestamp < ?4 AND t.start_timestamp >= ?5
          AND t.stop_timestamp > ?3
          AND NOT EXISTS (SELECT 1 FROM meter_values v
                          WHERE v.charger_id = t.charger_id AND v.connector_id = t.connector_id
                            AND v.measurand = ?6 AND v.phase = '' AND v.source = 'MeterValues'
                            AND v.normalized_value IS NOT NULL
                            AND v.timestamp >= t.start_timestamp AND v.timestamp <= t.stop_timestamp))sql");
    store::ResetGuard guard(s);
    s.bind(1, k.charger_id);
    s.bind(2, k.connector_id);
    s.bind(3, k.start);
    s.bind(4, k.end);
    s.bind(5, store::to_column(start - longest_session));
    s.bind(6, energy_register);
    double wh = 0;
    while (s.step()) {
        std::vector<RegisterPoint> session{{store::time_from_column(s.column_text(0)), s.column_double(1)},
                                           {store::time_from_column(s.column_text(2)), s.column_double(3)}};
        wh += energy_between(session, start, end);
    }
    return wh;
}

std::optional<double> max_sample(store::Database& db, const Key& k, const char* measurand, bool total_only)
{
    auto& s = db.cached(R"sql(
        SELECT max(normalized_value) FROM meter_values
        WHERE charger_id = ?1 AND connector_id = ?2 AND measurand = ?3 AND timestamp >= ?4 AND timestamp < ?5
          AND source = 'MeterValues' AND (?6 = 0 OR phase = ''))sql");
    store::ResetGuard guard(s);
    s.bind(1, k.charger_id);
    s.bind(2, k.connector_id);
    s.bind(3, measurand);
    s.bind(4, k.start);
    s.bind(5, k.end);
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
    out.energy_wh = energy_between(register_points(db, k), quarter.start, quarter.end) +
                    fallback_energy(db, k, quarter.start, quarter.end);
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
