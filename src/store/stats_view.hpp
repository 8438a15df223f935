#pragma once
// Reading the 15-minute statistics for the admin API: quarters (with the
// day's running totals up to each one) or days, oldest first, in pages.
#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace csms::store {

enum class StatsGranularity { quarter, day };

struct StatsFilter {
    StatsGranularity granularity = StatsGranularity::quarter;
    std::optional<std::string> charger_id;
    std::optional<int> connector_id;
    std::optional<std::string> from_date, to_date; // local dates, both included
    std::optional<std::string> from_time, to_time; // quarter starts in [from_time, to_time), UTC time columns
    std::optional<std::string> after;              // the cursor of the previous page
    int limit = 50;
};

struct StatsRow {
    std::string charger_id;
    int connector_id = 0;
    std::string local_date;
    std::string time_zone;
    std::optional<std::string> quarter_start; // quarters only
    std::optional<std::string> local_time;    // quarters only
    std::optional<std::int64_t> quarters;     // days only: how many quarters were computed
    double energy_wh = 0;
    std::int64_t charging_s = 0;
    std::int64_t available_s = 0;
    std::int64_t sessions_started = 0;
    std::int64_t sessions_finished = 0;
    std::int64_t faults = 0;
    std::optional<double> peak_power_w;
    std::optional<double> max_temperature_c;
    // Quarters only: the local day's totals up to and including this quarter.
    std::optional<double> energy_today_wh;
    std::optional<std::int64_t> charging_today_s;
    std::optional<std::int64_t> sessions_today;
};

// Throws std::invalid_argument for a cursor this function did not make.
std::vector<StatsRow> list_stats(Database& db, const StatsFilter& filter);
// The cursor that continues after row.
std::string stats_cursor_after(const StatsRow& row);

} // namespace csms::store
