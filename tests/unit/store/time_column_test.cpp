#include "store/time_column.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>

using csms::base::SysTime;

TEST_CASE("to_column: writes exactly what format_date_time writes", "[store][time]")
{
    // Millisecond, second, day and year edges, before and after 1970, a leap day.
    const std::int64_t samples_ms[] = {0,
                                       1,
                                       999,
                                       1000,
                                       -1,
                                       -86'400'001,
                                       1'767'225'600'000,
                                       1'767'225'599'999,
                                       951'782'400'000 /* 2000-02-29 */,
                                       253'402'300'799'999 /* 9999-12-31T23:59:59.999 */,
                                       -62'167'219'200'000 /* 0000-01-01 */};
    for (auto ms : samples_ms) {
        SysTime t{std::chrono::milliseconds{ms}};
        INFO(ms);
        CHECK(csms::store::to_column(t) == csms::base::format_date_time(t));
    }
    // A sweep of odd steps across a few years.
    for (std::int64_t ms = 1'600'000'000'000; ms < 1'700'000'000'000; ms += 7'777'777'777) {
        SysTime t{std::chrono::milliseconds{ms}};
        CHECK(csms::store::to_column(t) == csms::base::format_date_time(t));
    }
    // Outside four-digit years it falls back to format_date_time itself.
    SysTime far{std::chrono::milliseconds{253'402'300'800'000}};
    CHECK(csms::store::to_column(far) == csms::base::format_date_time(far));
}
