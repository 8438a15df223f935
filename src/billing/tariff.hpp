#pragma once
// A time-of-use tariff: named energy periods (peak, flat, valley, ...) laid
// over the site's local week, with a service fee per kWh, an idle fee per
// minute after charging ends and a session and minimum fee. Plain values;
// which tariff a session uses (site, charger, tag group, effective dates) is
// decided elsewhere.
#include "billing/money.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace csms::billing {

// Local minutes since midnight, [from, to); to <= from wraps past midnight
// (23:00-07:00).
struct TimeWindow {
    int from_minute = 0;
    int to_minute = 0;
};

// Where a period applies: on these weekdays (0 = Monday; empty = every day),
// between these local dates (inclusive; absent = unbounded), in these windows.
// A window that wraps midnight belongs to the day it starts on.
struct PeriodRule {
    std::string period;
    std::vector<int> weekdays;
    std::optional<std::chrono::year_month_day> from_date, to_date;
    std::vector<TimeWindow> windows;
};

struct Tariff {
    std::string name;
    std::string currency = "CNY";
    std::map<std::string, UnitPrice> energy_price; // period -> price per kWh
    std::vector<PeriodRule> schedule;              // the first rule that covers a minute wins
    std::string default_period;                    // every minute no rule covers
    UnitPrice service_fee_per_kwh = 0;
    std::int64_t idle_fee_per_minute = 0; // minor units, after charging ends while still plugged in
    std::chrono::minutes idle_grace{0};   // free idle time first
    std::int64_t session_fee = 0;         // minor units per session
    std::int64_t minimum_fee = 0;         // minor units: a session costs at least this
    int line = 0;                         // where its [[tariff]] is written, so listings follow the file
};

// The period in force at a local wall-clock time.
const std::string& period_at(const Tariff& tariff, std::chrono::local_seconds local);

// The next local minute after `local` at which the period may change: a
// window edge or a midnight. Always later than `local`.
std::chrono::local_seconds next_change(const Tariff& tariff, std::chrono::local_seconds local);

} // namespace csms::billing
