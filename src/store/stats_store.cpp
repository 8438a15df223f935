#include "store/stats_store.hpp"

#include "store/time_column.hpp"

namespace csms::store {

void save_quarter(Database& db, const QuarterStats& q, base::SysTime computed_at)
{
    auto& s = db.cached(R"sql(
        INSERT OR REPLACE INTO stats_quarters (charger_id, connector_id, quarter_start, local_date, local_time,
            time_zone, energy_wh, charging_s, available_s, sessions_started, sessions_finished, faults, peak_power_w,
            max_temperature_c, computed_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15))sql");
    ResetGuard guard(s);
    s.bind(1, q.charger_id);
    s.bind(2, q.connector_id);
    s.bind(3, to_column(q.quarter_start));
    s.bind(4, q.local_date);
    s.bind(5, q.local_time);
    s.bind(6, q.time_zone);
    s.bind(7, q.energy_wh);
    s.bind(8, q.charging_s);
    s.bind(9, q.available_s);
    s.bind(10, q.sessions_started);
    s.bind(11, q.sessions_finished);
    s.bind(12, q.faults);
    s.bind(13, q.peak_power_w);
    s.bind(14, q.max_temperature_c);
    s.bind(15, to_column(computed_at));
    s.execute();
}

void roll_up_day(Database& db, const std::string& charger_id, int connector_id, const std::string& local_date)
{
    auto& s = db.cached(R"sql(
        INSERT OR REPLACE INTO stats_days (charger_id, connector_id, local_date, time_zone, quarters, energy_wh,
            charging_s, available_s, sessions_started, sessions_finished, faults, peak_power_w, max_temperature_c)
        SELECT charger_id, connector_id, local_date, max(time_zone), count(*), sum(energy_wh), sum(charging_s),
               sum(available_s), sum(sessions_started), sum(sessions_finished), sum(faults), max(peak_power_w),
               max(max_temperature_c)
        FROM stats_quarters WHERE charger_id = ?1 AND connector_id = ?2 AND local_date = ?3
        GROUP BY charger_id, connector_id, local_date)sql");
    ResetGuard guard(s);
    s.bind(1, charger_id);
    s.bind(2, connector_id);
    s.bind(3, local_date);
    s.execute();
}

std::optional<std::string> stats_cursor(Database& db, const std::string& name)
{
    auto& s = db.cached("SELECT position FROM stats_cursors WHERE name = ?1");
    ResetGuard guard(s);
    s.bind(1, name);
    if (!s.step()) {
        return std::nullopt;
    }
    return s.column_text(0);
}

void save_stats_cursor(Database& db, const std::string& name, const std::string& position)
{
    auto& s = db.cached("INSERT OR REPLACE INTO stats_cursors (name, position) VALUES (?1, ?2)");
    ResetGuard guard(s);
    s.bind(1, name);
    s.bind(2, position);
    s.execute();
}

} // namespace csms::store
