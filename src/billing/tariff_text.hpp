#pragma once
// A tariff's values written back the way the tariffs file (docs/billing.md)
// writes them, so what an operator reads (the API, csmsctl tariffs show) is
// what they wrote, not the units the engine counts in: "0.8000" for a price
// kept as 8000 ten-thousandths, "0.50" for a fee kept as 50 minor units,
// "23:00-07:00", "mon", "2026-07-01".
#include "billing/money.hpp"
#include "billing/tariff.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace csms::billing {

// As the file spells them; index 0 is Monday, as PeriodRule::weekdays.
inline constexpr std::array<std::string_view, 7> weekday_names{"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

// Ten-thousandths as a decimal with four places: 8000 -> "0.8000".
std::string price_text(UnitPrice price);
// Minor units as a decimal with two places: 50 -> "0.50".
std::string fee_text(std::int64_t minor);
// "HH:MM-HH:MM", as parsed: an end written "24:00" reads back "24:00",
// one written "00:00" (a window wrapping midnight) "00:00".
std::string window_text(const TimeWindow& window);
// "2026-07-01"
std::string date_text(std::chrono::year_month_day date);

} // namespace csms::billing
