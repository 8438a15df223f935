#pragma once
// Usage and load reports for planning (docs/usage.md), read from the
// 15-minute statistics (stats_days, stats_quarters), the chargers' region
// paths and ratings, and the sessions' start and stop times. Aggregates
// only: no id tag and no transaction id appears in any of them.
//
// Both functions read with prepared statements on the caller's connection
// (the admin thread's reader) and are not thread-safe on it. `now` closes
// sessions still open.
#include "base/clock.hpp"
#include "base/region_path.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace csms::store {

enum class UsageBucket { hour, day, week, region };

struct UsageFilter {
    std::string from_date, to_date;    // local dates, both included; valid, from <= to (the caller checks)
    std::optional<std::string> region; // only chargers at this region path or under it
    base::RegionLevel level = base::RegionLevel::city; // region buckets only
};

// One bucket: an hour of the day ("08", over every day of the range), a
// local date, an ISO week ("2026-W11", Monday to Sunday) or a region group.
struct UsageRow {
    std::string bucket;
    std::int64_t connectors = 0; // connectors (> 0) with statistics in the range
    std::int64_t sessions = 0;   // sessions started
    double energy_wh = 0;
    std::int64_t charging_s = 0;
    std::int64_t bucket_s = 0;        // the bucket's length in seconds, per connector
    double utilisation = 0;           // charging_s / (connectors x bucket_s); 0 without connectors
    std::int64_t peak_concurrent = 0; // most sessions open at one instant in the bucket
};

struct UsageReport {
    std::string time_zone; // the zone the statistics were computed in
    std::vector<UsageRow> rows;
};

UsageReport usage_load(Database& db, const UsageFilter& filter, UsageBucket by, base::SysTime now);

// One charger over the range. Ratios are nullopt where their denominator
// is zero or unknown.
struct ChargerPerformance {
    std::string charger_id;
    std::optional<std::string> region;
    std::int64_t connectors = 0;
    std::int64_t sessions = 0;          // started (statistics)
    std::int64_t finished_sessions = 0; // started in the range and stopped
    std::int64_t successful_sessions = 0;
    double energy_wh = 0;
    std::optional<double> energy_per_session_wh;
    std::optional<double> average_power_w; // energy / charging time
    std::optional<double> peak_power_w;
    std::optional<double> rated_power_w;
    std::optional<double> average_pct_of_rated;
    std::optional<double> success_rate; // successful / finished
    std::int64_t faults = 0;
    std::int64_t available_s = 0;
    std::optional<double> availability; // available_s / (connectors x range seconds)
};

struct PerformanceReport {
    std::string time_zone;
    std::vector<ChargerPerformance> chargers; // worst first, at most `limit`
};

// The stop reasons that make a finished session unsuccessful.
bool is_failure_stop_reason(const std::optional<std::string>& reason);

PerformanceReport charger_performance(Database& db, const UsageFilter& filter, int limit, base::SysTime now);

} // namespace csms::store
