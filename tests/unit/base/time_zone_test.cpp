#include "base/time_zone.hpp"

#include "base/time_format.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace csms;
using namespace std::chrono;

namespace {

base::SysTime at(const char* text)
{
    return *base::parse_date_time(text);
}

local_seconds wall(year_month_day date, hours h, minutes m)
{
    return local_seconds{local_days{date}.time_since_epoch() + h + m};
}

} // namespace

TEST_CASE("TimeZone: fixed offsets of Shanghai and Kathmandu and UTC", "[base][time_zone]")
{
    auto shanghai = base::TimeZone::load("Asia/Shanghai");
    CHECK(shanghai.name() == "Asia/Shanghai");
    CHECK(shanghai.offset_at(at("2026-07-01T00:00:00Z")) == hours{8});
    auto kathmandu = base::TimeZone::load("Asia/Kathmandu");
    CHECK(kathmandu.offset_at(at("2026-01-01T00:00:00Z")) == hours{5} + minutes{45});
    CHECK(base::TimeZone::utc().offset_at(at("2026-01-01T00:00:00Z")) == seconds{0});
    CHECK(base::TimeZone::load("UTC").offset_at(at("2026-01-01T00:00:00Z")) == seconds{0});
    CHECK(shanghai.from_local(wall(2026y / 1 / 2, hours{0}, minutes{0})) == at("2026-01-01T16:00:00Z"));
}

TEST_CASE("TimeZone: Berlin switches to summer time and back at the transitions of the table", "[base][time_zone]")
{
    auto berlin = base::TimeZone::load("Europe/Berlin");
    CHECK(berlin.offset_at(at("2026-03-29T00:59:59Z")) == hours{1});
    CHECK(berlin.offset_at(at("2026-03-29T01:00:00Z")) == hours{2});
    CHECK(berlin.offset_at(at("2026-10-25T00:59:59Z")) == hours{2});
    CHECK(berlin.offset_at(at("2026-10-25T01:00:00Z")) == hours{1});
    // 02:30 is skipped in spring: the first instant after is the jump.
    CHECK(berlin.from_local(wall(2026y / 3 / 29, hours{2}, minutes{30})) == at("2026-03-29T01:00:00Z"));
    // 02:30 happens twice in autumn: the first one is taken.
    CHECK(berlin.from_local(wall(2026y / 10 / 25, hours{2}, minutes{30})) == at("2026-10-25T00:30:00Z"));
    CHECK(berlin.from_local(wall(2026y / 7 / 1, hours{12}, minutes{0})) == at("2026-07-01T10:00:00Z"));
}

TEST_CASE("TimeZone: unsafe or unknown names and damaged files are refused with a reason", "[base][time_zone]")
{
    CHECK_THROWS_WITH(base::TimeZone::load("../../etc/passwd"), Catch::Contains("not an IANA name"));
    CHECK_THROWS_WITH(base::TimeZone::load("/etc/passwd"), Catch::Contains("not an IANA name"));
    CHECK_THROWS_WITH(base::TimeZone::load("Nowhere/Atlantis"), Catch::Contains("unknown"));
    CHECK_THROWS_WITH(base::TimeZone::parse("X", "not a zone file"), Catch::Contains("not a TZif file"));
    CHECK_THROWS_WITH(base::TimeZone::parse("X", std::string("TZif2") + std::string(20, '\0')),
                      Catch::Contains("truncated"));
}

TEST_CASE("TimeZone: a bill's wall-clock time carries its offset, east or west", "[base][time_zone]")
{
    CHECK(base::TimeZone::load("Asia/Kathmandu").format_local(at("2026-03-09T23:30:00.250Z")) ==
          "2026-03-10T05:15:00+05:45");
    CHECK(base::TimeZone::load("America/New_York").format_local(at("2026-01-10T03:00:00Z")) ==
          "2026-01-09T22:00:00-05:00");
    CHECK(base::TimeZone::utc().format_local(at("2026-01-10T03:00:00Z")) == "2026-01-10T03:00:00+00:00");
}
