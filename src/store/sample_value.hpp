#pragma once
// How one sampled value is stored: its number in the measurand's base unit
// (Wh, W, var, A, V, Celsius, Percent...), the count of decimals the
// charger wrote, and the charger's own text only when those two cannot
// make it again ("1e3", "0230", "twelve", signed meter data). Most values
// are then a small integer or a double and a zero-byte decimals column,
// and the text a charger sent still reads back exactly.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace csms::store {

// How a unit converts to its measurand's base unit. The numbers are stored
// in sample_kinds.unit_rule, so never renumber them.
enum class UnitRule : int { same = 0, kilo = 1, fahrenheit = 2, kelvin = 3 };

// nullopt: a unit this server does not know, whose values keep no number.
std::optional<UnitRule> unit_rule(std::string_view unit);
double to_base_unit(double value, UnitRule rule);
double from_base_unit(double value, UnitRule rule);

// The double as an integer when it is one exactly (within 2^53): bound that
// way, SQLite stores it in 1 to 6 bytes instead of 8, and JSON writes 7400,
// not 7400.0.
std::optional<std::int64_t> exact_integer(double number);

struct StoredValue {
    std::optional<double> number; // base unit; an integral one is stored as an integer
    int decimals = 0;
    std::optional<std::string> text; // set only when number and decimals cannot make it again
};

// text as the charger sent it, and its number in the base unit if it has one.
StoredValue store_value(std::string_view text, std::optional<double> base_number, std::optional<UnitRule> rule);

// The charger's text again.
std::string value_text(const StoredValue& value, std::optional<UnitRule> rule);

} // namespace csms::store
