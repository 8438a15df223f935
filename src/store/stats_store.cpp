#include "store/stats_store.hpp"

#include "store/query.hpp"
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
    bind_all(s, q.charger_id, q.connector_id, to_column(q.quarter_start), q.local_date, q.local_time, q.time_zone,
             q.energy_wh, q.charging_s, q.available_s, q.sessions_started, q.sessions_finished, q.faults,
             q.peak_power_w, q.max_temperature_c, to_column(computed_at));
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
    bind_all(s, charger_id, connector_id, local_date);
    s.execute();
}

std::optional<std::string> stats_cursor(Database& db, const std::string& name)
{
    return query_text(db, "SELECT position FROM stats_cursors WHERE name = ?1", name);
}

void save_stats_cursor(Database& db, const std::string& name, const std::string& position)
{
    auto& s = db.cached("INSERT OR REPLACE INTO stats_cursors (name, position) VALUES (?1, ?2)");
    ResetGuard guard(s);
    bind_all(s, name, position);
    s.execute();
}

} // namespace csms::store
