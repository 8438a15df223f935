#pragma once
// The arithmetic of one quarter, apart from where the rows come from, so it
// can be tested on its own. Definitions: docs/statistics.md.
#include "base/clock.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace csms::stats {

// A reading of an energy register (Wh) at an instant.
struct RegisterPoint {
    base::SysTime at;
    double wh = 0;
};

// The register's increase inside [start, end), the register taken as linear
// between consecutive points (sorted by time). A decrease (a meter replaced
// or reset) counts as no energy; two points at one instant span no time.
double energy_between(const std::vector<RegisterPoint>& points, base::SysTime start, base::SysTime end);

struct StatusChange {
    base::SysTime at;
    std::string status;
};

struct StatusFigures {
    std::int64_t charging_ms = 0;
    std::int64_t available_ms = 0; // known and neither Faulted nor Unavailable
    int faults = 0;                // changes into Faulted
};

// `initial` is the status in force at start (none: not known yet); changes
// are those inside (start, end), sorted. For the quarter still running, end
// is the clock: time not yet lived is not counted.
StatusFigures status_figures(const std::optional<std::string>& initial, const std::vector<StatusChange>& changes,
                             base::SysTime start, base::SysTime end);

} // namespace csms::stats
