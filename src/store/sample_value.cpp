#include "store/sample_value.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace csms::store {
namespace {

// Decimals of a plain decimal ("-12.50": 2), or nullopt for anything else
// ("+1", "1e3", ".5", "0230"). At most 15 significant digits, the most a
// double carries through a conversion and back, so SQLite's printf (the
// meter_values view) writes the same digits as std::to_chars here.
std::optional<int> plain_decimals(std::string_view text)
{
    std::size_t at = text.starts_with('-') ? 1 : 0;
    const auto integer_start = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
        ++at;
    }
    const auto integer_digits = at - integer_start;
    if (integer_digits == 0 || (integer_digits > 1 && text[integer_start] == '0')) {
        return std::nullopt;
    }
    int decimals = 0;
    if (at < text.size() && text[at] == '.') {
        ++at;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
            ++at;
            ++decimals;
        }
        if (decimals == 0) {
            return std::nullopt;
        }
    }
    if (at != text.size() || integer_digits + static_cast<std::size_t>(decimals) > 15) {
        return std::nullopt;
    }
    return decimals;
}

std::string fixed(double value, int decimals)
{
    std::array<char, 400> buffer{};
    auto [end, ec] =
        std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::fixed, decimals);
    if (ec != std::errc()) {
        return {};
    }
    return {buffer.data(), end};
}

// What SQLite gives back for a number bound as sample_store.cpp binds it:
// an exact integer goes in as an integer, so -0.0 comes back 0.
double as_stored(double number)
{
    auto integer = exact_integer(number);
    return integer ? static_cast<double>(*integer) : number;
}

} // namespace

std::optional<std::int64_t> exact_integer(double number)
{
    if (std::nearbyint(number) == number && std::fabs(number) < 9007199254740992.0) {
        return static_cast<std::int64_t>(number);
    }
    return std::nullopt;
}

std::optional<UnitRule> unit_rule(std::string_view unit)
{
    if (unit == "kWh" || unit == "kW" || unit == "kvarh" || unit == "kvar" || unit == "kVA") return UnitRule::kilo;
    if (unit == "Fahrenheit") return UnitRule::fahrenheit;
    if (unit == "K") return UnitRule::kelvin;
    // "Celcius" is the OCPP 1.6 schema's own spelling, and many chargers send it.
    if (unit == "Wh" || unit == "W" || unit == "varh" || unit == "var" || unit == "VA" || unit == "A" || unit == "V" ||
        unit == "Celsius" || unit == "Celcius" || unit == "Percent" || unit.empty()) {
        return UnitRule::same;
    }
    return std::nullopt;
}

double to_base_unit(double value, UnitRule rule)
{
    switch (rule) {
    case UnitRule::kilo:
        return value * 1000.0;
    case UnitRule::fahrenheit:
        return (value - 32.0) * 5.0 / 9.0;
    case UnitRule::kelvin:
        return value - 273.15;
    case UnitRule::same:
        break;
    }
    return value;
}

double from_base_unit(double value, UnitRule rule)
{
    switch (rule) {
    case UnitRule::kilo:
        return value / 1000.0;
    case UnitRule::fahrenheit:
        return value * 9.0 / 5.0 + 32.0;
    case UnitRule::kelvin:
        return value + 273.15;
    case UnitRule::same:
        break;
    }
    return value;
}

StoredValue store_value(std::string_view text, std::optional<double> base_number, std::optional<UnitRule> rule)
{
    StoredValue out;
    if (base_number) {
        out.number = as_stored(*base_number);
    }
    auto decimals = plain_decimals(text);
    if (out.number && rule && decimals && fixed(from_base_unit(*out.number, *rule), *decimals) == text) {
        out.decimals = *decimals;
        return out;
    }
    out.text = std::string(text);
    return out;
}

std::string value_text(const StoredValue& value, std::optional<UnitRule> rule)
{
    if (value.text) {
        return *value.text;
    }
    if (!value.number || !rule) {
        return {}; // store_value never writes this
    }
    return fixed(from_base_unit(*value.number, *rule), value.decimals);
}

} // namespace csms::store
