// The closed-loop load's choices and meter (load_mix.hpp, live_meter.hpp):
// what a run sends must be repeatable and honour --mix.
#include "live_meter.hpp"
#include "load_mix.hpp"
#include "options.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <vector>

using namespace csms::sim;

namespace {

std::vector<LoadAction> deal(const LoadMix& mix, std::uint64_t seed, int n)
{
    MixChooser chooser(mix, seed);
    std::vector<LoadAction> out;
    for (int i = 0; i < n; ++i) {
        out.push_back(chooser.next());
    }
    return out;
}

std::map<LoadAction, int> tally(const std::vector<LoadAction>& actions)
{
    std::map<LoadAction, int> out;
    for (auto a : actions) {
        ++out[a];
    }
    return out;
}

} // namespace

TEST_CASE("sim mix: parsed from meter=,heartbeat=,status=", "[sim][mix]")
{
    auto mix = parse_mix("meter=80,heartbeat=10,status=10");
    REQUIRE(std::holds_alternative<LoadMix>(mix));
    CHECK(std::get<LoadMix>(mix) == LoadMix{80, 10, 10});
    auto some = parse_mix("status=3,meter=1");
    REQUIRE(std::holds_alternative<LoadMix>(some));
    CHECK(std::get<LoadMix>(some) == LoadMix{1, 0, 3});
    for (const char* bad : {"", "meter", "meter=", "meter=x", "meter=-1", "meter=1,meter=2", "volts=5",
                            "meter=0,heartbeat=0", "meter=10001", "meter=5 "}) {
        INFO(bad);
        CHECK(std::holds_alternative<std::string>(parse_mix(bad)));
    }
}

TEST_CASE("sim mix: the same seed deals the same calls, another seed others", "[sim][mix]")
{
    const LoadMix mix{80, 10, 10};
    CHECK(deal(mix, 7, 1000) == deal(mix, 7, 1000));
    CHECK(deal(mix, 7, 1000) != deal(mix, 8, 1000));
}

TEST_CASE("sim mix: the shares hold over every deck of their sum", "[sim][mix]")
{
    const LoadMix mix{80, 10, 10};
    const auto actions = deal(mix, 42, 100 * 50);
    for (int deck = 0; deck < 50; ++deck) {
        auto counts = tally({actions.begin() + deck * 100, actions.begin() + (deck + 1) * 100});
        INFO("deck " << deck);
        CHECK(counts[LoadAction::meter_values] == 80);
        CHECK(counts[LoadAction::heartbeat] == 10);
        CHECK(counts[LoadAction::status_notification] == 10);
    }
    // Shuffled, not dealt in runs: the first deck does not start with 80 meters.
    CHECK(tally({actions.begin(), actions.begin() + 20})[LoadAction::meter_values] < 20);
    auto only_meter = tally(deal(LoadMix{1, 0, 0}, 3, 10));
    CHECK(only_meter[LoadAction::meter_values] == 10);
}

TEST_CASE("sim mix: --mix goes with --closed-loop under --mode load", "[sim][mix][options]")
{
    Options o;
    o.url = "ws://127.0.0.1:8180/ocpp";
    o.mode = "load";
    o.mix = "meter=50,status=50";
    CHECK(validate(o) == std::optional<std::string>("--mix needs --closed-loop"));
    o.closed_loop = true;
    CHECK_FALSE(validate(o));
    CHECK(load_mix(o) == LoadMix{50, 0, 50});
    o.meter_interval = 0.1;
    CHECK(validate(o));
    o.meter_interval = 0;
    o.mode = "storm";
    CHECK(validate(o));
    o.mode = "load";
    o.mix = "meter=0";
    CHECK(validate(o));
    o.mix.reset();
    CHECK(load_mix(o) == LoadMix{80, 10, 10});
    o.durability_log = "/tmp/acked.log";
    CHECK_FALSE(validate(o));
}

TEST_CASE("sim live meter: the register rises every sample, the rest varies in range", "[sim][mix]")
{
    LiveMeter meter(10'000, 5);
    CHECK(meter.energy_wh() == 10'000);
    std::int64_t last = 10'000;
    std::map<int, int> voltages;
    for (int i = 0; i < 2000; ++i) {
        const LiveSample s = meter.next();
        REQUIRE(s.energy_wh > last);
        last = s.energy_wh;
        CHECK(meter.energy_wh() == s.energy_wh);
        REQUIRE(s.voltage_deci_volts >= 2240);
        REQUIRE(s.voltage_deci_volts <= 2360);
        REQUIRE(s.current_deci_amps >= 300);
        REQUIRE(s.current_deci_amps <= 320);
        REQUIRE(s.power_w == s.voltage_deci_volts * s.current_deci_amps / 100);
        REQUIRE(s.temperature_deci_c >= 200);
        REQUIRE(s.temperature_deci_c <= 500);
        REQUIRE(s.soc_percent >= 20);
        REQUIRE(s.soc_percent <= 100);
        ++voltages[s.voltage_deci_volts];
    }
    CHECK(voltages.size() > 50);
    const LiveSample a = LiveMeter(10'000, 5).next();
    const LiveSample b = LiveMeter(10'000, 5).next();
    CHECK(a.energy_wh == b.energy_wh);
    CHECK(a.voltage_deci_volts == b.voltage_deci_volts);
    CHECK(a.temperature_deci_c == b.temperature_deci_c);
}
