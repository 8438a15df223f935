#include "billing/tariff_text.hpp"

#include <cstdio>
#include <cstdlib>

namespace csms::billing {
namespace {

// value / 10^places with exactly that many decimals; never a double, so
// 0.7823 stays 0.7823.
std::string decimal(std::int64_t value, int places)
{
    std::int64_t scale = 1;
    for (int i = 0; i < places; ++i) {
        scale *= 10;
    }
    const auto magnitude = static_cast<unsigned long long>(std::llabs(value));
    char text[48];
    std::snprintf(text, sizeof text, "%s%llu.%0*llu", value < 0 ? "-" : "",
                  magnitude / static_cast<unsigned long long>(scale), places,
                  magnitude % static_cast<unsigned long long>(scale));
    return text;
}

std::string clock_text(int minute)
{
    char text[16];
    std::snprintf(text, sizeof text, "%02d:%02d", minute / 60, minute % 60);
    return text;
}

} // namespace

std::string price_text(UnitPrice price)
{
    return decimal(price, 4);
}

std::string fee_text(std::int64_t minor)
{
    return decimal(minor, 2);
}

std::string window_text(const TimeWindow& window)
{
    std::string out = clock_text(window.from_minute);
    out += '-';
    out += clock_text(window.to_minute);
    return out;
}

std::string date_text(std::chrono::year_month_day date)
{
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return text;
}

} // namespace csms::billing
