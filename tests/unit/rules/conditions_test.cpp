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

TEST_CASE("Conditions: scope by charger and model", "[rules][conditions]")
{
    auto by_model = only_rule("[[rule]]\nname = \"m\"\nkind = \"faulted\"\nscope = { model = \"AC-22\" }\n");
    CHECK(in_scope(by_model, "CP-1", std::string("AC-22")));
    CHECK_FALSE(in_scope(by_model, "CP-1", std::string("DC-60")));
    CHECK_FALSE(in_scope(by_model, "CP-1", std::nullopt));
    auto by_charger = only_rule("[[rule]]\nname = \"c\"\nkind = \"faulted\"\nscope = { charger = \"CP-9\" }\n");
    CHECK(in_scope(by_charger, "CP-9", std::nullopt));
    CHECK_FALSE(in_scope(by_charger, "CP-1", std::nullopt));
    auto everywhere = only_rule("[[rule]]\nname = \"e\"\nkind = \"faulted\"\n");
    CHECK(in_scope(everywhere, "ANY", std::nullopt));
}
