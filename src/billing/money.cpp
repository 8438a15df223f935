#include "billing/money.hpp"

#include "base/concat.hpp"

#include <algorithm>
#include <cstdlib>

namespace csms::billing {

std::int64_t energy_amount(std::int64_t energy_wh, UnitPrice per_kwh)
{
    // kWh x (price / 10000) currency x 100 minor units = Wh x price / 100000.
    constexpr std::int64_t divisor = 100'000;
    std::int64_t exact = energy_wh * per_kwh; // below 2^63 up to 9 x 10^12 Wh at 100.0000 per kWh
    std::int64_t half = exact < 0 ? -divisor / 2 : divisor / 2;
    return (exact + half) / divisor; // halves away from zero, as the division truncates toward it
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
    auto cents = magnitude % 100;
    return base::concat(minor < 0 ? "-" : "", std::to_string(magnitude / 100), cents < 10 ? ".0" : ".",
                        std::to_string(cents), " ", currency);
}

std::optional<std::int64_t> parse_money(std::string_view text)
{
    bool negative = !text.empty() && text.front() == '-';
    if (negative || (!text.empty() && text.front() == '+')) {
        text.remove_prefix(1);
    }
    auto dot = text.find('.');
    auto whole = text.substr(0, dot);
    auto fraction = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    auto digits = [](std::string_view part) {
        return std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (whole.empty() || whole.size() > 12 || !digits(whole) || !digits(fraction) || fraction.size() > 2 ||
        (dot != std::string_view::npos && fraction.empty())) {
        return std::nullopt;
    }
    std::int64_t minor = 0;
    for (char c : whole) {
        minor = minor * 10 + (c - '0');
    }
    for (std::size_t i = 0; i < 2; ++i) {
        minor = minor * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
    }
    return negative ? -minor : minor;
}

} // namespace csms::billing
