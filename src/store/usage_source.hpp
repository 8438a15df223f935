#pragma once
// What both usage reports read (store/usage_view.hpp): the range's days in
// the statistics' zone, the chargers the region filter keeps, their daily
// statistics, and the times their sessions were open. Internal to store.
#include "base/time_zone.hpp"
#include "store/usage_view.hpp"

#include <chrono>
#include <map>
#include <set>

namespace csms::store::usage {

// The local dates of the range as instants: day i runs from starts[i] to
// starts[i + 1], and no day counts time after `now` (not yet lived).
struct Range {
    base::TimeZone zone = base::TimeZone::utc();
    std::vector<std::chrono::local_days> dates;
    std::vector<base::SysTime> starts; // dates.size() + 1 instants
    base::SysTime now{};

    base::SysTime begin() const { return starts.front(); }
    base::SysTime end() const { return starts.back(); }
    // Seconds of [a, b) lived by now.
    std::int64_t lived_s(base::SysTime a, base::SysTime b) const;
};

struct ChargerFacts {
    std::optional<std::string> region;
    std::optional<double> rated_power_w;
};

// stats_days rows of the range, charger by charger.
struct DayRow {
    std::string charger_id;
    int connector_id = 0;
    std::string local_date;
    double energy_wh = 0;
    std::int64_t charging_s = 0, available_s = 0, sessions_started = 0, faults = 0;
    std::optional<double> peak_power_w;
};

struct Source {
    Range range;
    std::map<std::string, ChargerFacts> chargers;    // kept by the region filter
    std::vector<DayRow> days;                        // of kept chargers only
    std::map<std::string, std::set<int>> connectors; // per kept charger: connectors > 0 with rows
};

// Reads the chargers and the range's daily statistics, and picks the zone
// they were computed in (the zone of most rows; UTC when there are none).
Source read_source(Database& db, const UsageFilter& filter, base::SysTime now);

// The intervals a charger's sessions were open, clipped to the range: open
// sessions run until now. Sessions that stopped are looked for among those
// started up to 7 days before the range, as the statistics engine does.
struct Open {
    base::SysTime from, to;
};
std::vector<Open> open_intervals(Database& db, const std::string& charger_id, const Range& range);

// The sweep over a set of intervals: the number open on each piece of time.
struct Level {
    base::SysTime from, to;
    std::int64_t open = 0;
};
std::vector<Level> concurrency(std::vector<Open> intervals);

} // namespace csms::store::usage
