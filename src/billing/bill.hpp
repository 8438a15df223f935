#pragma once
// A session's bill, line by line, as a customer-service agent explains it:
// the energy of each tariff period at its price, the service fee, the idle
// fee, the session fee and, when the whole is under it, the minimum fee.
// Energy is meterStop - meterStart; the sampled register says how it spread
// over time (energy_split.hpp), and must climb from meterStart to meterStop.
// A session whose meter cannot be trusted is flagged, never billed.
//
// Line items, in the order a bill lists them: "energy" (one per tariff
// period, kWh at the period's price), "service" (all the energy at the
// service fee), "idle" (whole minutes after the grace time at the idle fee),
// "session" (once), "minimum" (the top-up that brings everything before it
// up to the minimum fee: quantity 1 at the top-up itself).
#include "base/clock.hpp"
#include "base/time_zone.hpp"
#include "billing/energy_split.hpp"
#include "billing/money.hpp"
#include "billing/tariff.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace csms::billing {

struct Session {
    base::SysTime start, stop;
    std::int64_t meter_start_wh = 0, meter_stop_wh = 0;
    std::vector<MeterReading> samples; // Energy.Active.Import.Register between start and stop, in time order
    // When the car stopped drawing (the connector last left Charging) and
    // when it left (billing/idle_time.hpp); idle time is between them.
    std::optional<base::SysTime> charging_ended, unplugged;
};

struct BillLine {
    std::string item;         // "energy", "service", "idle", "session", "minimum"
    std::string period;       // energy lines: the tariff period
    double quantity = 0;      // kWh (whole Wh / 1000) for energy and service, minutes for idle, 1 otherwise
    UnitPrice unit_price = 0; // 1/10000 of the currency per kWh (energy, service), minute (idle) or session
    std::int64_t amount = 0;  // minor units
};

enum class Anomaly {
    negative_energy, // meterStop below meterStart
    meter_reset,     // the register went backwards somewhere from meterStart through the samples to meterStop
};

struct Bill {
    std::vector<BillLine> lines;
    std::int64_t total = 0;     // the sum of the lines
    std::int64_t energy_wh = 0; // meterStop - meterStart
    std::vector<Anomaly> anomalies;
    bool billable() const { return anomalies.empty(); }
};

// Lines only when billable; an anomalous session gets its anomalies, its
// energy figure and no amount, for an operator to settle.
Bill compute_bill(const Tariff& tariff, const base::TimeZone& zone, const Session& session);

std::string_view to_string(Anomaly anomaly);

} // namespace csms::billing
