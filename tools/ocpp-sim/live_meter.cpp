#include "live_meter.hpp"

#include <algorithm>

namespace csms::sim {

LiveMeter::LiveMeter(std::int64_t start_wh, std::uint64_t seed) : rng_(seed), start_wh_(start_wh), energy_wh_(start_wh)
{
}

int LiveMeter::jitter(int spread)
{
    std::uniform_int_distribution<int> pick(-spread, spread);
    return pick(rng_);
}

LiveSample LiveMeter::next()
{
    LiveSample s;
    s.voltage_deci_volts = sim_voltage_deci_volts + jitter(60); // 224.0 .. 236.0 V
    // The EV draws a little below the 32 A offered.
    s.current_deci_amps = sim_current_deci_amps - 10 + jitter(10);
    s.power_w = s.voltage_deci_volts * s.current_deci_amps / 100;
    energy_wh_ += std::max<std::int64_t>(1, s.power_w * seconds_per_sample / 3600);
    s.energy_wh = energy_wh_;
    // The body warms towards 25 °C plus a degree per 500 W, and flickers.
    const int target = 250 + s.power_w / 50;
    temperature_deci_c_ += (target - temperature_deci_c_) / 20 + jitter(3);
    s.temperature_deci_c = temperature_deci_c_;
    s.soc_percent = static_cast<int>(std::min<std::int64_t>(100, 20 + (energy_wh_ - start_wh_) * 100 / battery_wh));
    return s;
}

} // namespace csms::sim
