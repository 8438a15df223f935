#pragma once
// The 15-minute statistics tables (migration 0008): quarters written by the
// statistics engine through the writer, their daily roll-up, and the
// engine's durable cursors. Definitions of each figure: docs/statistics.md.
#include "base/clock.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace csms::store {

struct QuarterStats {
    std::string charger_id;
    int connector_id = 0;
    base::SysTime quarter_start{};
    std::string local_date; // "2026-03-29"
    std::string local_time; // "02:45"
    std::string time_zone;
    double energy_wh = 0;
    std::int64_t charging_s = 0;
    std::int64_t available_s = 0;
    int sessions_started = 0;
    int sessions_finished = 0;
    int faults = 0;
    std::optional<double> peak_power_w;
    std::optional<double> max_temperature_c;
};

// Inserts or replaces the quarter's row.
void save_quarter(Database& db, const QuarterStats& quarter, base::SysTime computed_at);
// Rewrites the day's row from its quarters.
void roll_up_day(Database& db, const std::string& charger_id, int connector_id, const std::string& local_date);

std::optional<std::string> stats_cursor(Database& db, const std::string& name);
void save_stats_cursor(Database& db, const std::string& name, const std::string& position);

} // namespace csms::store
