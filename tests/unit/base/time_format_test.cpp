#include "base/time_format.hpp"

#include <catch2/catch.hpp>

using csms::base::format_date_time;
using csms::base::parse_date_time;

TEST_CASE("date-time: UTC, offsets and fractions parse to the same instant", "[base][time]")
{
    auto utc = parse_date_time("2026-11-26T08:30:00Z");
    REQUIRE(utc);
    CHECK(format_date_time(*utc) == "2026-11-26T08:30:00.000Z");
    CHECK(parse_date_time("2026-11-26T16:30:00+08:00") == utc);
    CHECK(parse_date_time("2026-11-26T03:30:00-05:00") == utc);
    auto frac = parse_date_time("2026-11-26T08:30:00.123456Z");
    REQUIRE(frac);
    CHECK(format_date_time(*frac) == "2026-11-26T08:30:00.123Z");
}

TEST_CASE("date-time: malformed and impossible values are refused", "[base][time]")
{
    for (const char* bad : {"", "2026-11-26", "2026-11-26T08:30:00", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z",
                            "2026-11-26T24:00:00Z", "2026-11-26T08:30:00.Z", "2026-11-26T08:30:00Zjunk",
                            "26-11-26T08:30:00Z", "2026-11-26T08:30:00+8:00", "not a date"}) {
        INFO(bad);
        CHECK_FALSE(parse_date_time(bad));
    }
}
