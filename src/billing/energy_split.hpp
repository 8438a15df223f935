#pragma once
// How a session's energy splits across its tariff's periods. The meter is
// read at a few instants (meterStart, the sampled Energy.Active.Import.Register
// values, meterStop); between two readings the energy is taken to flow at a
// steady rate, so a reading an hour apart that straddles the start of peak
// time puts each part of the energy in the period it was used in. The parts
// are whole Wh and add up to the whole exactly (base/register_curve.hpp
// states the rounding).
#include "base/register_curve.hpp"
#include "base/time_zone.hpp"
#include "billing/tariff.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace csms::billing {

using MeterReading = base::RegisterReading;

// readings in time order, at least two for any energy. A reading lower than
// the one before it (a meter reset) contributes nothing between them; the
// caller flags such sessions instead of billing them. Periods with no
// energy are left out.
std::map<std::string, std::int64_t> split_energy(const Tariff& tariff, const base::TimeZone& zone,
                                                 const std::vector<MeterReading>& readings);

} // namespace csms::billing
