#include "stats/quarter.hpp"

#include <cstdint>
#include <cstdio>
#include <ratio>

namespace csms::stats {

using namespace std::chrono;

std::string format_local_date(year_month_day date)
{
    char out[16];
    std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()));
    return out;
}

std::optional<year_month_day> parse_local_date(const std::string& text)
{
    int y = 0;
    unsigned m = 0, d = 0;
    char tail = 0;
    if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3) {
        return std::nullopt;
    }
    year_month_day date{year{y}, month{m}, day{d}};
    if (!date.ok() || format_local_date(date) != text) {
        return std::nullopt;
    }
    return date;
}

Quarter quarter_of(const base::TimeZone& zone, base::SysTime t)
{
    using Quarters = duration<std::int64_t, std::ratio<900>>;
    auto local = zone.to_local(t);
    auto into_quarter = local.time_since_epoch() - floor<Quarters>(local.time_since_epoch());
    base::SysTime start = floor<seconds>(t) - into_quarter;
    auto local_start = local - into_quarter;
    auto date = floor<days>(local_start);
    hh_mm_ss clock{local_start - date};
    char wall[8];
    std::snprintf(wall, sizeof wall, "%02d:%02d", static_cast<int>(clock.hours().count()),
                  static_cast<int>(clock.minutes().count()));
    return Quarter{start, start + quarter_length, format_local_date(year_month_day{date}), wall};
}

DayBounds day_bounds(const base::TimeZone& zone, year_month_day date)
{
    auto midnight = local_days{date};
    auto start = zone.from_local(local_seconds{midnight.time_since_epoch()});
    auto end = zone.from_local(local_seconds{(midnight + days{1}).time_since_epoch()});
    // A midnight skipped by a jump starts the day at the jump, which need not
    // fall on a quarter boundary of the new offset; align it.
    auto first = quarter_of(zone, start);
    auto next = quarter_of(zone, end);
    return DayBounds{first.start < start ? first.end : first.start, next.start < end ? next.end : next.start};
}

} // namespace csms::stats
