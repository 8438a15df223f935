#pragma once
// Quarter hours and days of a site's local time. A quarter starts where the
// wall clock reads :00, :15, :30 or :45 and lasts 15 minutes of real time; a
// day is the quarters whose start falls on one local date, so a day with a
// daylight-saving jump has 92 or 100 of them. Every offset in use today is a
// multiple of 15 minutes (Asia/Kathmandu +05:45 included); the historical
// local mean times that are not give quarters offset from UTC's, still
// 15 minutes long.
#include "base/clock.hpp"
#include "base/time_zone.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace csms::stats {

inline constexpr std::chrono::minutes quarter_length{15};

struct Quarter {
    base::SysTime start;    // UTC
    base::SysTime end;      // start + 15 min
    std::string local_date; // "2026-03-29", the local date of start
    std::string local_time; // "02:45", the wall clock at start
};

Quarter quarter_of(const base::TimeZone& zone, base::SysTime t);

// The instants from the first quarter of `date` to the first of the next day.
struct DayBounds {
    base::SysTime start;
    base::SysTime end;
};
DayBounds day_bounds(const base::TimeZone& zone, std::chrono::year_month_day date);

// "2026-03-29" -> the date; nullopt for anything else or an impossible date.
std::optional<std::chrono::year_month_day> parse_local_date(const std::string& text);
std::string format_local_date(std::chrono::year_month_day date);

} // namespace csms::stats
