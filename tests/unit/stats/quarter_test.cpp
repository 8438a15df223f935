#include "stats/quarter.hpp"

#include "base/time_format.hpp"

#include <catch2/catch.hpp>

using namespace csms;
using namespace std::chrono;

namespace {

base::SysTime at(const char* text)
{
    return *base::parse_date_time(text);
}

long quarters_in(const base::TimeZone& zone, year_month_day date)
{
    auto day = stats::day_bounds(zone, date);
    return static_cast<long>((day.end - day.start) / stats::quarter_length);
}

} // namespace

TEST_CASE("Quarters: aligned on the local wall clock with its date", "[stats][quarter]")
{
    auto shanghai = base::TimeZone::load("Asia/Shanghai");
    auto q = stats::quarter_of(shanghai, at("2026-01-01T16:07:31.250Z"));
    CHECK(q.start == at("2026-01-01T16:00:00Z"));
    CHECK(q.end == at("2026-01-01T16:15:00Z"));
    CHECK(q.local_date == "2026-01-02");
    CHECK(q.local_time == "00:00");

    auto kathmandu = base::TimeZone::load("Asia/Kathmandu");
    q = stats::quarter_of(kathmandu, at("2026-01-01T00:20:00Z")); // 06:05 local
    CHECK(q.start == at("2026-01-01T00:15:00Z"));
    CHECK(q.local_time == "06:00");
    CHECK(q.local_date == "2026-01-01");

    q = stats::quarter_of(base::TimeZone::utc(), at("2026-01-01T23:59:59.999Z"));
    CHECK(q.start == at("2026-01-01T23:45:00Z"));
    CHECK(q.local_date == "2026-01-01");
    CHECK(q.local_time == "23:45");
}

TEST_CASE("Quarters: a day has 96 quarters and 92 or 100 on daylight-saving days", "[stats][quarter]")
{
    auto berlin = base::TimeZone::load("Europe/Berlin");
    CHECK(quarters_in(berlin, 2026y / 3 / 28) == 96);
    CHECK(quarters_in(berlin, 2026y / 3 / 29) == 92);
    CHECK(quarters_in(berlin, 2026y / 10 / 25) == 100);
    CHECK(stats::day_bounds(berlin, 2026y / 3 / 29).start == at("2026-03-28T23:00:00Z"));
    CHECK(stats::day_bounds(berlin, 2026y / 3 / 29).end == at("2026-03-29T22:00:00Z"));
    // The spring jump: 01:45 is followed by 03:00.
    CHECK(stats::quarter_of(berlin, at("2026-03-29T00:59:00Z")).local_time == "01:45");
    CHECK(stats::quarter_of(berlin, at("2026-03-29T01:00:00Z")).local_time == "03:00");

    auto kathmandu = base::TimeZone::load("Asia/Kathmandu");
    CHECK(quarters_in(kathmandu, 2026y / 1 / 1) == 96);
    CHECK(stats::day_bounds(kathmandu, 2026y / 1 / 1).start == at("2025-12-31T18:15:00Z"));
    CHECK(quarters_in(base::TimeZone::utc(), 2026y / 1 / 1) == 96);
}

TEST_CASE("Quarters: local dates are read strictly", "[stats][quarter]")
{
    CHECK(stats::parse_local_date("2026-03-29") == std::optional{2026y / 3 / 29});
    CHECK_FALSE(stats::parse_local_date("2026-02-30"));
    CHECK_FALSE(stats::parse_local_date("2026-3-29"));
    CHECK_FALSE(stats::parse_local_date("2026-03-29x"));
    CHECK_FALSE(stats::parse_local_date(""));
    CHECK(stats::format_local_date(2026y / 3 / 9) == "2026-03-09");
}
