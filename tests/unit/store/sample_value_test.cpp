#include "store/sample_value.hpp"

#include <catch2/catch.hpp>

using csms::store::store_value;
using csms::store::unit_rule;
using csms::store::UnitRule;
using csms::store::value_text;

namespace {

// What a charger's text costs in the store, and that it reads back exactly.
csms::store::StoredValue stored(const char* text, std::optional<double> base, const char* unit)
{
    auto value = store_value(text, base, unit_rule(unit));
    CHECK(value_text(value, unit_rule(unit)) == text);
    return value;
}

} // namespace

TEST_CASE("sample values: a plain decimal is kept as its number and decimals only", "[store][samples]")
{
    auto v = stored("230.10", 230.1, "V");
    CHECK_FALSE(v.text);
    CHECK(v.number == 230.1);
    CHECK(v.decimals == 2);

    v = stored("7215", 7215, "W");
    CHECK_FALSE(v.text);
    CHECK(v.decimals == 0);

    v = stored("12.345", 12345, "kWh"); // the number is in Wh
    CHECK_FALSE(v.text);
    CHECK(v.number == 12345);
    CHECK(v.decimals == 3);

    v = stored("-4.5", -4.5, "A");
    CHECK_FALSE(v.text);
}

TEST_CASE("sample values: a text the number cannot write again is kept whole", "[store][samples]")
{
    CHECK(stored("1e3", 1000, "Wh").text == "1e3");
    CHECK(stored("0230", 230, "V").text == "0230");
    CHECK(stored("-0", -0.0, "A").text == "-0"); // stored as the integer 0
    CHECK(stored("twelve", std::nullopt, "Wh").text == "twelve");
    CHECK(stored("1234567890123456", 1234567890123456.0, "Wh").text); // more digits than printf keeps
    CHECK(stored("5", 5, "furlongs").text == "5");                    // a unit without a base: no number to trust
    auto signed_data = stored("3081AB...", std::nullopt, "Wh");
    CHECK(signed_data.text == "3081AB...");
    CHECK_FALSE(signed_data.number);
}

TEST_CASE("sample values: units convert to their base and back", "[store][samples]")
{
    CHECK(unit_rule("kW") == UnitRule::kilo);
    CHECK(unit_rule("Celcius") == UnitRule::same); // the 1.6 schema's spelling
    CHECK(unit_rule("Fahrenheit") == UnitRule::fahrenheit);
    CHECK(unit_rule("K") == UnitRule::kelvin);
    CHECK_FALSE(unit_rule("furlongs"));
    CHECK(csms::store::to_base_unit(212, UnitRule::fahrenheit) == Approx(100));
    CHECK(csms::store::from_base_unit(100, UnitRule::fahrenheit) == Approx(212));
    CHECK_FALSE(stored("98.6", csms::store::to_base_unit(98.6, UnitRule::fahrenheit), "Fahrenheit").text);
    CHECK_FALSE(stored("300.15", csms::store::to_base_unit(300.15, UnitRule::kelvin), "K").text);
}
