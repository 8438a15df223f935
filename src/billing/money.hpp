#pragma once
// Money is an integer count of minor units (fen for CNY, cents for EUR); no
// floating point amount is ever stored. The rounding rule, stated once: a
// billing line's amount is its quantity times its unit price, rounded once,
// to the nearest minor unit, halves away from zero; a total is the sum of
// its rounded lines, so every line a customer reads adds up to the total.
//
// Unit prices per kWh carry four decimals, as grid tariffs are published
// (0.7823 CNY/kWh): an integer count of ten-thousandths of the currency.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace csms::billing {

using UnitPrice = std::int64_t; // 1/10000 of the currency per kWh: 7823 is 0.7823 CNY/kWh

// Whole Wh at a unit price, in minor units, rounded as above; integers only.
std::int64_t energy_amount(std::int64_t energy_wh, UnitPrice per_kwh);

// Idle time is charged per whole minute: a started minute is free.
std::int64_t idle_amount(std::chrono::seconds idle, std::int64_t minor_per_minute);

// "12.35 CNY" (two decimals; "-0.05 CNY" for a negative adjustment).
std::string format_money(std::int64_t minor, std::string_view currency);

// "-5", "12.3", "12.35" (a sign, digits, at most two decimals) in minor
// units; nullopt for anything else, a third decimal included: an amount an
// operator types is never rounded behind their back.
std::optional<std::int64_t> parse_money(std::string_view text);

} // namespace csms::billing
