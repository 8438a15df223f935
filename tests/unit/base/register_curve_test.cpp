#include "base/register_curve.hpp"

#include "base/time_format.hpp"

#include <catch2/catch.hpp>

using namespace csms;

namespace {

base::SysTime at(const char* hh_mm_ss)
{
    return *base::parse_date_time(std::string("2026-01-01T") + hh_mm_ss + "Z");
}

} // namespace

TEST_CASE("Register curve: energy between two readings flows steadily", "[base][register]")
{
    base::RegisterCurve curve({{at("10:10:00"), 1000}, {at("10:20:00"), 1600}});
    CHECK(curve.delivered_between(at("10:00:00"), at("10:15:00")) == 300);
    CHECK(curve.delivered_between(at("10:15:00"), at("10:30:00")) == 300);
    CHECK(curve.delivered_between(at("10:30:00"), at("10:45:00")) == 0);
    CHECK(curve.total() == 600);
}

TEST_CASE("Register curve: a register going backwards adds nothing; a rise at one instant counts there",
          "[base][register]")
{
    base::RegisterCurve replaced({{at("10:00:00"), 5000}, {at("10:05:00"), 100}, {at("10:10:00"), 400}});
    CHECK(replaced.delivered_between(at("10:00:00"), at("10:15:00")) == 300); // 100 -> 400 only
    base::RegisterCurve jump(
        {{at("10:00:00"), 0}, {at("10:05:00"), 100}, {at("10:05:00"), 900}, {at("10:10:00"), 1000}});
    CHECK(jump.delivered_between(at("10:00:00"), at("10:05:00")) == 100);
    CHECK(jump.delivered_between(at("10:05:00"), at("10:15:00")) == 800 + 100); // the jump at 10:05 is from 10:05 on
    CHECK(jump.total() == 1000);
}

TEST_CASE("Register curve: parts cut inside a Wh are whole Wh that add up to the whole", "[base][register]")
{
    // 1000 Wh over 7 minutes: no minute boundary falls on a whole Wh.
    base::RegisterCurve curve({{at("10:00:00"), 12'000.4}, {at("10:07:00"), 13'000.4}});
    std::int64_t sum = 0;
    for (int minute = 0; minute < 7; ++minute) {
        auto from = at("10:00:00") + std::chrono::minutes(minute);
        auto part = curve.delivered_between(from, from + std::chrono::minutes(1));
        CHECK((part == 143 || part == 142)); // 1000 / 7 = 142.86
        sum += part;
    }
    CHECK(sum == 1000);
    // Rounded down at the cut: 1001 Wh over two minutes is 500.5 Wh at one.
    base::RegisterCurve odd({{at("10:00:00"), 0}, {at("10:02:00"), 1001}});
    CHECK(odd.delivered_until(at("10:01:00")) == 500);
}

TEST_CASE("Register curve: readings days apart interpolate without overflow", "[base][register]")
{
    auto start = at("00:00:00");
    base::RegisterCurve curve({{start, 0}, {start + std::chrono::days(60), 4'000'000'000'000.0}});
    CHECK(curve.delivered_until(start + std::chrono::days(30)) == 2'000'000'000'000);
}
