#pragma once
// One Raw sampled value as a charger's MeterValues would bring it, for tests
// that store samples without a charger (store::insert_samples).
#include "store/records.hpp"

#include <string>

namespace csms::test {

inline store::SampleRecord sample_record(std::string charger_id, int connector_id, base::SysTime at,
                                         std::string measurand, double value, std::string unit = "")
{
    return store::SampleRecord{.charger_id = std::move(charger_id),
                               .connector_id = connector_id,
                               .timestamp = at,
                               .value = std::to_string(value),
                               .normalized_value = value,
                               .measurand = std::move(measurand),
                               .unit = std::move(unit),
                               .context = "Sample.Periodic",
                               .location = "Outlet",
                               .format = "Raw",
                               .source = "MeterValues",
                               .received_at = at};
}

} // namespace csms::test
