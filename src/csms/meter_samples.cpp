#include "csms/meter_samples.hpp"

#include "csms/json.hpp"
#include "store/sample_value.hpp"

#include <charconv>
#include <cmath>

namespace csms {
namespace {

// OCPP 1.6 says unit defaults to Wh; chargers also omit it for measurands
// where Wh makes no sense, so the default follows the measurand.
std::string default_unit(std::string_view measurand)
{
    if (measurand.starts_with("Energy.Reactive")) return "varh";
    if (measurand.starts_with("Energy")) return "Wh";
    if (measurand.starts_with("Power.Reactive")) return "var";
    if (measurand == "Power.Factor") return "";
    if (measurand.starts_with("Power")) return "W";
    if (measurand.starts_with("Current")) return "A";
    if (measurand == "Voltage") return "V";
    if (measurand == "SoC") return "Percent";
    if (measurand == "Temperature") return "Celsius";
    return "";
}

std::optional<double> parse_decimal(std::string_view text)
{
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

} // namespace

std::optional<double> to_base_unit(double value, std::string_view unit)
{
    // 1e306 kWh parses, but not in Wh: an infinity is no reading.
    auto rule = store::unit_rule(unit);
    if (!rule) {
        return std::nullopt;
    }
    auto converted = store::to_base_unit(value, *rule);
    if (!std::isfinite(converted)) {
        return std::nullopt;
    }
    return converted;
}

void append_samples(const rapidjson::Value& meter_values, const SampleOrigin& origin,
                    std::vector<store::SampleRecord>& out)
{
    for (const auto& meter_value : meter_values.GetArray()) {
        auto timestamp = json::optional_time(meter_value, "timestamp");
        const auto* sampled = json::member(meter_value, "sampledValue");
        if (!timestamp || !sampled) {
            continue; // the schema requires both; unreachable after validation
        }
        for (const auto& s : sampled->GetArray()) {
            store::SampleRecord row;
            row.charger_id = origin.charger_id;
            row.connector_id = origin.connector_id;
            row.transaction_id = origin.transaction_id;
            row.timestamp = *timestamp;
            row.value = json::string(s, "value");
            row.measurand = json::optional_string(s, "measurand").value_or("Energy.Active.Import.Register");
            row.phase = json::optional_string(s, "phase").value_or("");
            row.unit = json::optional_string(s, "unit").value_or(default_unit(row.measurand));
            row.context = json::optional_string(s, "context").value_or("Sample.Periodic");
            row.location = json::optional_string(s, "location").value_or("Outlet");
            row.format = json::optional_string(s, "format").value_or("Raw");
            row.source = origin.source;
            row.received_at = origin.received_at;
            if (row.format == "Raw") {
                if (auto number = parse_decimal(row.value)) {
                    row.normalized_value = to_base_unit(*number, row.unit);
                }
            }
            out.push_back(std::move(row));
        }
    }
}

} // namespace csms
