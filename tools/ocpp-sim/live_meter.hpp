#pragma once
// The meter of the closed-loop load: a single-phase charge near 32 A whose
// voltage, current and temperature wander from sample to sample, so the
// server stores numbers as varied as a real charger's (a compact sample
// store is measured on them, issue 17). Each sample stands for
// seconds_per_sample of charging, however fast the load sends them; the
// register rises by at least 1 Wh every sample. Deterministic per seed.
#include "load_frames.hpp"

#include <cstdint>
#include <random>

namespace csms::sim {

class LiveMeter {
public:
    static constexpr int seconds_per_sample = 10;
    static constexpr std::int64_t battery_wh = 60'000; // SoC follows the energy delivered

    LiveMeter(std::int64_t start_wh, std::uint64_t seed);

    // The register now (meterStart before the first sample).
    std::int64_t energy_wh() const { return energy_wh_; }
    // Advances the meter by one sample.
    LiveSample next();

private:
    int jitter(int spread); // uniform in [-spread, spread]

    std::mt19937_64 rng_;
    std::int64_t start_wh_;
    std::int64_t energy_wh_;
    int temperature_deci_c_ = 250;
};

} // namespace csms::sim
