#include "billing/energy_split.hpp"

#include <algorithm>

namespace csms::billing {

std::map<std::string, std::int64_t> split_energy(const Tariff& tariff, const base::TimeZone& zone,
                                                 const std::vector<MeterReading>& readings)
{
    std::map<std::string, std::int64_t> by_period;
    if (readings.empty()) {
        return by_period;
    }
    base::RegisterCurve curve(readings);
    auto first = readings.front().at;
    auto last = readings.back().at;
    // Walk the instants where the period may change, in local time so that
    // windows follow the wall clock across a daylight-saving jump.
    for (auto t = first; t < last;) {
        auto local = zone.to_local(t);
        auto next = std::min(last, zone.from_local(next_change(tariff, local)));
        if (next <= t) {
            next = last; // a wall time that does not exist today: the rest is one period
        }
        if (auto wh = curve.delivered_between(t, next); wh > 0) {
            by_period[period_at(tariff, local)] += wh;
        }
        t = next;
    }
    // Readings that share the last instant rise in no time: that energy is
    // the last instant's period's.
    if (auto at_last = curve.total() - curve.delivered_until(last); at_last > 0) {
        by_period[period_at(tariff, zone.to_local(last))] += at_last;
    }
    return by_period;
}

} // namespace csms::billing
