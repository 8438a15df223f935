#include "load_schedule.hpp"

#include <catch2/catch.hpp>

#include <random>

using namespace csms::sim;
using namespace std::chrono_literals;

namespace {

const SteadyPoint t0 = SteadyPoint{} + 1000s;

} // namespace

TEST_CASE("sim load schedule: slots on a fixed grid inside the window", "[sim][schedule]")
{
    PeriodicSchedule s(100ms, 30ms, t0, t0 + 1s);
    std::vector<SteadyPoint> due;
    while (s.has_next()) {
        due.push_back(s.next());
        s.advance();
    }
    REQUIRE(due.size() == 10);
    CHECK(due.front() == t0 + 30ms);
    CHECK(due.back() == t0 + 930ms);
}

TEST_CASE("sim load schedule: a zero interval has no slots", "[sim][schedule]")
{
    PeriodicSchedule s(0ms, 0ms, t0, t0 + 1s);
    CHECK_FALSE(s.has_next());
    LoadSchedule both(s, s);
    CHECK_FALSE(both.peek());
}

TEST_CASE("sim load schedule: fractional seconds convert exactly enough", "[sim][schedule]")
{
    CHECK(seconds_to_duration(0.1) == 100ms);
    CHECK(seconds_to_duration(0) == SteadyDuration{0});
    CHECK(seconds_to_duration(2.5) == 2500ms);
}

TEST_CASE("sim load schedule: a late charger skips the slots it missed", "[sim][schedule]")
{
    PeriodicSchedule s(100ms, 0ms, t0, t0 + 1s);
    CHECK(s.skip_before(t0 + 250ms) == 3); // 0, 100, 200 ms
    CHECK(s.next() == t0 + 300ms);
    CHECK(s.skip_before(t0 + 300ms) == 0); // due exactly now: still owed
    CHECK(s.skip_before(t0 + 5s) == 7);
    CHECK_FALSE(s.has_next());
}

TEST_CASE("sim load schedule: heartbeats and meter values merge in due order", "[sim][schedule]")
{
    LoadSchedule s(PeriodicSchedule(300ms, 0ms, t0, t0 + 1s), PeriodicSchedule(200ms, 50ms, t0, t0 + 1s));
    std::vector<std::pair<LoadAction, SteadyDuration>> got;
    while (auto slot = s.peek()) {
        got.emplace_back(slot->action, slot->due - t0);
        s.pop();
    }
    using A = LoadAction;
    const std::vector<std::pair<LoadAction, SteadyDuration>> expected{
        {A::heartbeat, 0ms},      {A::meter_values, 50ms},  {A::meter_values, 250ms},
        {A::heartbeat, 300ms},    {A::meter_values, 450ms}, {A::heartbeat, 600ms},
        {A::meter_values, 650ms}, {A::meter_values, 850ms}, {A::heartbeat, 900ms},
    };
    CHECK(got == expected);
}

TEST_CASE("sim load schedule: phases are uniform within one interval", "[sim][schedule]")
{
    std::mt19937_64 rng(3);
    SteadyDuration low = 1s, high = 0s;
    for (int i = 0; i < 2000; ++i) {
        const auto p = random_phase(100ms, rng);
        REQUIRE(p >= 0ms);
        REQUIRE(p < 100ms);
        low = std::min(low, p);
        high = std::max(high, p);
    }
    CHECK(low < 5ms);
    CHECK(high > 95ms);
    CHECK(random_phase(0ms, rng) == SteadyDuration{0});
}

TEST_CASE("sim load schedule: the calls per second of N chargers", "[sim][schedule]")
{
    // 1000 chargers, MeterValues every 0.5 s and Heartbeat every 2 s for 10 s:
    // 1000 * (20 + 5) calls whatever the phases.
    std::mt19937_64 rng(9);
    std::uint64_t total = 0;
    for (int c = 0; c < 1000; ++c) {
        LoadSchedule s(PeriodicSchedule(2s, random_phase(2s, rng), t0, t0 + 10s),
                       PeriodicSchedule(500ms, random_phase(500ms, rng), t0, t0 + 10s));
        while (s.peek()) {
            s.pop();
            ++total;
        }
    }
    CHECK(total == 25'000);
}
