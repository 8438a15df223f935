#pragma once
// OCPP meterValue arrays (MeterValues and StopTransaction.transactionData)
// to sample rows. Every sampledValue is kept as sent (value, unit, context,
// ...) plus a number in the measurand's base unit: kWh becomes Wh, kW W,
// kvarh varh, kvar var, Fahrenheit and Kelvin Celsius.
#include "store/records.hpp"

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <vector>

namespace csms {

struct SampleOrigin {
    std::string charger_id;
    int connector_id = 0;
    std::optional<std::int64_t> transaction_id;
    std::string source; // "MeterValues" or "StopTransaction"
    base::SysTime received_at;
};

// Appends one row per sampledValue. A Raw value that is not a decimal number
// is kept as sent with no normalised value: one odd reading must not cost
// the charger every other reading in its message.
void append_samples(const rapidjson::Value& meter_values, const SampleOrigin& origin,
                    std::vector<store::SampleRecord>& out);

// value in unit -> value in the base unit; nullopt for an unknown unit.
std::optional<double> to_base_unit(double value, std::string_view unit);

} // namespace csms
