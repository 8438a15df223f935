#include "rules/conditions.hpp"
#include "rules/rule_file.hpp"

#include <catch2/catch.hpp>

using namespace csms::rules;

namespace {

Rule only_rule(const std::string& toml)
{
    auto set = parse_rules(toml, "test.toml");
    REQUIRE(set.rules.size() == 1);
    return set.rules.front();
}

} // namespace

TEST_CASE("Conditions: a threshold fires above its limit on its own measurand only", "[rules][conditions]")
{
    auto hot = only_rule("[[rule]]\nname = \"hot\"\nkind = \"threshold\"\nmeasurand = \"Temperature\"\nabove = 70\n");
    CHECK(sample_condition(hot, "Temperature", "", 70.5) == true);
    CHECK(sample_condition(hot, "Temperature", "", 70.0) == false); // "above" is strict
    CHECK_FALSE(sample_condition(hot, "Voltage", "", 500.0).has_value());
}

TEST_CASE("Conditions: a range fires outside min and max and honours its phase", "[rules][conditions]")
{
    auto voltage = only_rule("[[rule]]\nname = \"volts\"\nkind = \"range\"\nmeasurand = \"Voltage\"\nphase = \"L1-N\"\n"
                             "min = 198\nmax = 242\n");
    CHECK(sample_condition(voltage, "Voltage", "L1-N", 197.9) == true);
    CHECK(sample_condition(voltage, "Voltage", "L1-N", 230.0) == false);
    CHECK(sample_condition(voltage, "Voltage", "L1-N", 242.1) == true);
    CHECK_FALSE(sample_condition(voltage, "Voltage", "L2-N", 100.0).has_value());
}

TEST_CASE("Conditions: faulted matches its error codes and any other status clears", "[rules][conditions]")
{
    auto faulted = only_rule("[[rule]]\nname = \"f\"\nkind = \"faulted\"\nerror_codes = [\"HighTemperature\"]\n");
    CHECK(status_condition(faulted, "Faulted", "HighTemperature") == true);
    CHECK(status_condition(faulted, "Faulted", "GroundFailure") == false);
    CHECK(status_condition(faulted, "Available", "NoError") == false);
    auto any = only_rule("[[rule]]\nname = \"any\"\nkind = \"faulted\"\n");
    CHECK(status_condition(any, "Faulted", "GroundFailure") == true);
    CHECK_FALSE(sample_condition(any, "Temperature", "", 99).has_value());
}

TEST_CASE("Conditions: scope by charger model and region", "[rules][conditions]")
{
    ChargerFacts ac22{"AC-22", "Shenzhen", 22000.0, 32.0};
    ChargerFacts dc60{"DC-60", "Guangzhou", 60000.0, 150.0};
    ChargerFacts unknown{};
    auto by_model = only_rule("[[rule]]\nname = \"m\"\nkind = \"faulted\"\nscope = { model = \"AC-22\" }\n");
    CHECK(in_scope(by_model, "CP-1", ac22));
    CHECK_FALSE(in_scope(by_model, "CP-1", dc60));
    CHECK_FALSE(in_scope(by_model, "CP-1", unknown));
    auto by_charger = only_rule("[[rule]]\nname = \"c\"\nkind = \"faulted\"\nscope = { charger = \"CP-9\" }\n");
    CHECK(in_scope(by_charger, "CP-9", unknown));
    CHECK_FALSE(in_scope(by_charger, "CP-1", unknown));
    auto by_region = only_rule("[[rule]]\nname = \"r\"\nkind = \"faulted\"\nscope = { region = \"Shenzhen\" }\n");
    CHECK(in_scope(by_region, "CP-1", ac22));
    CHECK_FALSE(in_scope(by_region, "CP-2", dc60));
    CHECK_FALSE(in_scope(by_region, "CP-3", unknown)); // no region recorded: not in any region's scope
    auto both =
        only_rule("[[rule]]\nname = \"b\"\nkind = \"faulted\"\nscope = { region = \"Shenzhen\", model = \"DC-60\" }\n");
    CHECK_FALSE(in_scope(both, "CP-1", ac22));
    auto everywhere = only_rule("[[rule]]\nname = \"e\"\nkind = \"faulted\"\n");
    CHECK(in_scope(everywhere, "ANY", unknown));
}

TEST_CASE("Conditions: relative compares with the rated current or the offered current", "[rules][conditions]")
{
    auto rated = only_rule("[[rule]]\nname = \"oc\"\nkind = \"relative\"\nmeasurand = \"Current.Import\"\n"
                           "percent = 110\nrelative_to = \"rated_current\"\n");
    CHECK(relative_condition(rated, "Current.Import", "L1", 35.5, 32.0) == true); // 110 % of 32 A is 35.2 A
    CHECK(relative_condition(rated, "Current.Import", "L1", 35.0, 32.0) == false);
    CHECK_FALSE(relative_condition(rated, "Current.Import", "L1", 99.0, std::nullopt).has_value()); // no rating
    CHECK_FALSE(relative_condition(rated, "Voltage", "", 999.0, 32.0).has_value());
}

TEST_CASE("Conditions: a meter anomaly is a register going backwards or jumping past the limit", "[rules][conditions]")
{
    auto backwards = only_rule("[[rule]]\nname = \"m\"\nkind = \"meter_anomaly\"\n");
    CHECK(meter_anomaly_condition(backwards, 1000, 999));
    CHECK_FALSE(meter_anomaly_condition(backwards, 1000, 1000));
    CHECK_FALSE(meter_anomaly_condition(backwards, 1000, 900000)); // no jump limit set
    auto jumps = only_rule("[[rule]]\nname = \"j\"\nkind = \"meter_anomaly\"\nmax_jump_wh = 50000\n");
    CHECK(meter_anomaly_condition(jumps, 1000, 51001));
    CHECK_FALSE(meter_anomaly_condition(jumps, 1000, 51000));
}

TEST_CASE("Conditions: silence rules count multiples of the interval", "[rules][conditions]")
{
    using namespace std::chrono_literals;
    auto offline = only_rule("[[rule]]\nname = \"o\"\nkind = \"offline\"\nheartbeat_multiple = 3\n");
    CHECK_FALSE(offline_condition(offline, 900s, 300s)); // exactly three intervals: not yet
    CHECK(offline_condition(offline, 901s, 300s));
    auto stuck = only_rule("[[rule]]\nname = \"s\"\nkind = \"stuck_transaction\"\nsample_multiple = 2.5\n");
    CHECK_FALSE(stuck_condition(stuck, 150s, 60s));
    CHECK(stuck_condition(stuck, 151s, 60s));
}

TEST_CASE("Conditions: flapping and degraded", "[rules][conditions]")
{
    auto flapping = only_rule("[[rule]]\nname = \"f\"\nkind = \"flapping\"\nmax_reconnects = 5\nwindow_s = 600\n");
    CHECK_FALSE(flapping_condition(flapping, 5));
    CHECK(flapping_condition(flapping, 6));
    auto degraded =
        only_rule("[[rule]]\nname = \"d\"\nkind = \"degraded\"\nmin_percent_of_rated = 40\nlast_sessions = 5\n");
    CHECK(degraded_condition(degraded, 8000, 22000.0) == true);  // 36 %
    CHECK(degraded_condition(degraded, 9000, 22000.0) == false); // 41 %
    CHECK_FALSE(degraded_condition(degraded, 100, std::nullopt).has_value());
}
