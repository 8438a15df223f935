#include "billing/energy_split.hpp"

#include <algorithm>

namespace csms::billing {

std::map<std::string, double> split_energy(const Tariff& tariff, const base::TimeZone& zone,
                                           const std::vector<MeterReading>& readings)
{
    using namespace std::chrono;
    std::map<std::string, double> by_period;
    for (std::size_t i = 1; i < readings.size(); ++i) {
        const auto& from = readings[i - 1];
        const auto& to = readings[i];
        double energy = to.wh - from.wh;
        if (energy <= 0) {
            continue;
        }
        if (to.at <= from.at) {
            by_period[period_at(tariff, zone.to_local(to.at))] += energy; // no time between them to split
            continue;
        }
        double span = duration<double>(to.at - from.at).count();
        // Walk the instants where the period may change, in local time so
        // that windows follow the wall clock across a daylight-saving jump.
        for (auto t = from.at; t < to.at;) {
            auto local = zone.to_local(t);
            auto next = std::min(to.at, zone.from_local(next_change(tariff, local)));
            if (next <= t) {
                next = to.at; // a wall time that does not exist today: the rest is one period
            }
            by_period[period_at(tariff, local)] += energy * duration<double>(next - t).count() / span;
            t = next;
        }
    }
    return by_period;
}

} // namespace csms::billing
