#pragma once
// A connector's samples as series for a chart: time and number in the
// measurand's base unit, read from the samples table's (connector, time)
// key range without the charger's texts or the messages. Read-only.
#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace csms::store {

struct SampleRange {
    std::string charger_id{};
    int connector_id = 0;
    std::optional<std::string> measurand{}; // all measurands when absent
    std::optional<std::string> phase{};     // "" for readings without one; all phases when absent
    // Milliseconds since 1970-01-01 UTC (to_ms_column): from included, to not.
    std::optional<std::int64_t> from_ms{}, to_ms{};
    int limit = 100'000;
};

// One line of a chart: readings of one measurand, phase and location, in
// one base unit. Readings that differ only in context (Sample.Periodic,
// Transaction.Begin, ...) share a series.
struct SampleSeries {
    std::string measurand, phase, location;
    std::string unit; // the base unit: Wh, W, varh, var, VA, A, V, Celsius, Percent, or the charger's own
};

struct SamplePoint {
    std::int64_t time_ms = 0;
    double value = 0;
    int series = 0; // index into SampleChart::series
};

struct SampleChart {
    std::vector<SampleSeries> series; // those with at least one point, in the order first seen
    std::vector<SamplePoint> points;  // time order (then the charger's order within a message)
    bool truncated = false;           // more points matched than range.limit
};

// Readings without a number (an unknown unit, signed data, text) are left out.
SampleChart connector_samples(Database& db, const SampleRange& range);

// The measurand's base unit for a stored unit: "kWh" -> "Wh", "Fahrenheit" -> "Celsius".
std::string base_unit(const std::string& unit);

} // namespace csms::store
