#include "billing/energy_split.hpp"
#include "billing/tariff.hpp"

#include "base/time_format.hpp"

#include <catch2/catch.hpp>

using namespace csms;
using namespace csms::billing;
using namespace std::chrono;

namespace {

// A Shenzhen-style time-of-use week: peak 10-15 and 18-21 on weekdays,
// valley 23-07 every night, flat otherwise (and all weekend day).
Tariff time_of_use()
{
    Tariff t;
    t.name = "tou";
    t.energy_price = {{"peak", 15'000}, {"flat", 10'000}, {"valley", 4'000}};
    t.schedule = {
        PeriodRule{"valley", {}, std::nullopt, std::nullopt, {TimeWindow{23 * 60, 7 * 60}}},
        PeriodRule{"peak",
                   {0, 1, 2, 3, 4},
                   std::nullopt,
                   std::nullopt,
                   {TimeWindow{10 * 60, 15 * 60}, TimeWindow{18 * 60, 21 * 60}}},
    };
    t.default_period = "flat";
    return t;
}

local_seconds local(int y, unsigned m, unsigned d, int hh, int mm)
{
    return local_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm};
}

base::SysTime utc(const std::string& text)
{
    return *base::parse_date_time(text);
}

} // namespace

TEST_CASE("Tariff: the period at a local time follows weekday windows and wraps midnight", "[billing][tariff]")
{
    auto t = time_of_use();
    // 2026-11-26 is a Thursday, 2026-11-28 a Saturday.
    CHECK(period_at(t, local(2026, 11, 26, 9, 59)) == "flat");
    CHECK(period_at(t, local(2026, 11, 26, 10, 0)) == "peak");
    CHECK(period_at(t, local(2026, 11, 26, 15, 0)) == "flat"); // windows end before their end
    CHECK(period_at(t, local(2026, 11, 26, 23, 30)) == "valley");
    CHECK(period_at(t, local(2026, 11, 27, 6, 59)) == "valley"); // the night that began on Thursday
    CHECK(period_at(t, local(2026, 11, 28, 11, 0)) == "flat");   // Saturday: no peak
    CHECK(next_change(t, local(2026, 11, 26, 9, 0)) == local(2026, 11, 26, 10, 0));
    CHECK(next_change(t, local(2026, 11, 26, 21, 0)) == local(2026, 11, 26, 23, 0));
    CHECK(next_change(t, local(2026, 11, 26, 23, 0)) == local(2026, 11, 27, 0, 0)); // midnight
}

TEST_CASE("Tariff: a rule limited to a date range applies only inside it", "[billing][tariff]")
{
    auto t = time_of_use();
    t.schedule.insert(
        t.schedule.begin(),
        PeriodRule{
            "summer-peak", {}, year{2026} / July / 1, year{2026} / September / 30, {TimeWindow{12 * 60, 14 * 60}}});
    CHECK(period_at(t, local(2026, 8, 15, 13, 0)) == "summer-peak"); // a Saturday in summer
    CHECK(period_at(t, local(2026, 10, 1, 13, 0)) == "peak");        // October: back to the weekday peak
}

TEST_CASE("Energy split: a steady session across the start of peak time splits by time", "[billing][tariff]")
{
    auto t = time_of_use();
    auto shanghai = base::TimeZone::load("Asia/Shanghai");
    // 09:30 to 10:30 local (01:30 to 02:30 UTC), 10 kWh read only at start and stop.
    auto split = split_energy(t, shanghai, {{utc("2026-11-26T01:30:00Z"), 1000}, {utc("2026-11-26T02:30:00Z"), 11000}});
    REQUIRE(split.size() == 2);
    CHECK(split["flat"] == Approx(5000));
    CHECK(split["peak"] == Approx(5000));
}

TEST_CASE("Energy split: across midnight and with uneven samples", "[billing][tariff]")
{
    auto t = time_of_use();
    auto shanghai = base::TimeZone::load("Asia/Shanghai");
    // 22:00 to 01:00 local. The charger sampled at 22:30: 6 kWh in the first
    // half hour (flat), then 6 kWh over 2.5 h, of which 0.5 h flat and 2 h valley.
    auto split = split_energy(
        t, shanghai,
        {{utc("2026-11-26T14:00:00Z"), 0}, {utc("2026-11-26T14:30:00Z"), 6000}, {utc("2026-11-26T17:00:00Z"), 12000}});
    CHECK(split["flat"] == Approx(6000 + 1200));
    CHECK(split["valley"] == Approx(4800));
    CHECK(split.count("peak") == 0);
}

TEST_CASE("Energy split: a register that goes backwards contributes nothing", "[billing][tariff]")
{
    auto t = time_of_use();
    auto split = split_energy(
        t, base::TimeZone::utc(),
        {{utc("2026-11-26T00:00:00Z"), 5000}, {utc("2026-11-26T00:10:00Z"), 100}, {utc("2026-11-26T00:20:00Z"), 600}});
    CHECK(split["valley"] == Approx(500));
}
