#include "billing/money.hpp"

#include <cmath>
#include <cstdlib>

namespace csms::billing {

std::int64_t energy_amount(double energy_wh, UnitPrice per_kwh)
{
    // kWh x (price / 10000) currency x 100 minor units = Wh x price / 100000,
    // as a long double so that a large session keeps its last minor unit.
    long double exact = static_cast<long double>(energy_wh) * static_cast<long double>(per_kwh) / 100000.0L;
    return static_cast<std::int64_t>(std::llroundl(exact)); // halves away from zero
}

std::int64_t idle_amount(std::chrono::seconds idle, std::int64_t minor_per_minute)
{
    if (idle.count() <= 0) {
        return 0;
    }
    return std::chrono::duration_cast<std::chrono::minutes>(idle).count() * minor_per_minute;
}

std::string format_money(std::int64_t minor, std::string_view currency)
{
    std::int64_t magnitude = std::llabs(minor);
    std::string cents = std::to_string(magnitude % 100);
    if (cents.size() < 2) {
        cents.insert(0, "0");
    }
    return (minor < 0 ? "-" : "") + std::to_string(magnitude / 100) + "." + cents + " " + std::string(currency);
}

} // namespace csms::billing
