#include "stats/figures.hpp"

#include "base/time_format.hpp"

#include <catch2/catch.hpp>

using namespace csms;

namespace {

base::SysTime at(const char* hh_mm)
{
    return *base::parse_date_time(std::string("2026-01-01T") + hh_mm + ":00Z");
}

constexpr std::int64_t minute_ms = 60'000;

} // namespace

TEST_CASE("Figures: the status at the quarter start carries over and Charging time accumulates", "[stats][figures]")
{
    auto carried = stats::status_figures(std::string("Charging"), {}, at("10:15"), at("10:30"));
    CHECK(carried.charging_ms == 15 * minute_ms);
    CHECK(carried.available_ms == 15 * minute_ms);
    CHECK(carried.faults == 0);

    auto stopped =
        stats::status_figures(std::string("Charging"), {{at("10:20"), "Finishing"}}, at("10:15"), at("10:30"));
    CHECK(stopped.charging_ms == 5 * minute_ms);

    auto unknown = stats::status_figures(std::nullopt, {{at("10:25"), "Charging"}}, at("10:15"), at("10:30"));
    CHECK(unknown.charging_ms == 5 * minute_ms);
    CHECK(unknown.available_ms == 5 * minute_ms); // nothing counted before the first status
}

TEST_CASE("Figures: faults count changes into Faulted and availability excludes Faulted and Unavailable",
          "[stats][figures]")
{
    auto f = stats::status_figures(std::string("Available"),
                                   {{at("10:05"), "Faulted"},
                                    {at("10:06"), "Faulted"},
                                    {at("10:10"), "Available"},
                                    {at("10:12"), "Faulted"},
                                    {at("10:13"), "Unavailable"}},
                                   at("10:00"), at("10:15"));
    CHECK(f.faults == 2);
    CHECK(f.available_ms == 7 * minute_ms);
    CHECK(f.charging_ms == 0);
}

TEST_CASE("Figures: time after the end (the clock in a running quarter) is not counted", "[stats][figures]")
{
    auto f = stats::status_figures(std::string("Charging"), {}, at("10:15"), at("10:21"));
    CHECK(f.charging_ms == 6 * minute_ms);
}
