#pragma once
// The arithmetic of one quarter's statuses, apart from where the rows come
// from, so it can be tested on its own; energy is base/register_curve.hpp's.
// Definitions: docs/statistics.md.
#include "base/clock.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace csms::stats {

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
