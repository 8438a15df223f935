#pragma once
// Open-loop timing for --mode load, without I/O: when each periodic call of
// one charger is due. Slots lie on a fixed grid (start + phase + k * interval)
// inside the measured window [start, end), whatever the replies do: a slow
// reply delays the sending of the next call, never its due time, and the
// latency is measured from the due time (coordinated-omission correction).
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>

namespace csms::sim {

using SteadyPoint = std::chrono::steady_clock::time_point;
using SteadyDuration = std::chrono::steady_clock::duration;

// One action on one grid. A zero interval has no slots.
class PeriodicSchedule {
public:
    PeriodicSchedule() = default;
    PeriodicSchedule(SteadyDuration interval, SteadyDuration phase, SteadyPoint start, SteadyPoint end);

    bool has_next() const { return interval_.count() > 0 && next_ < end_; }
    SteadyPoint next() const { return next_; } // precondition: has_next()
    void advance() { next_ += interval_; }
    // Drops the slots before t (a charger that came up late does not owe them).
    // Returns how many were dropped.
    std::uint64_t skip_before(SteadyPoint t);

private:
    SteadyDuration interval_{0};
    SteadyPoint next_{};
    SteadyPoint end_{};
};

// A uniformly random phase in [0, interval), so chargers do not fire in step.
SteadyDuration random_phase(SteadyDuration interval, std::mt19937_64& rng);

// Seconds (fractional) to a steady-clock duration; 0 stays 0.
SteadyDuration seconds_to_duration(double seconds);

// status_notification only in the closed-loop mix (load_mix.hpp): the open
// loop has no grid for it.
enum class LoadAction { heartbeat, meter_values, status_notification };

struct LoadSlot {
    LoadAction action;
    SteadyPoint due;
};

// The heartbeat and MeterValues grids of one charger, merged in due order.
class LoadSchedule {
public:
    LoadSchedule() = default;
    LoadSchedule(PeriodicSchedule heartbeat, PeriodicSchedule meter_values)
        : heartbeat_(heartbeat), meter_values_(meter_values)
    {
    }

    // The earliest unsent slot (heartbeat first on a tie), if any is left.
    std::optional<LoadSlot> peek() const;
    void pop(); // precondition: peek()
    std::uint64_t skip_before(SteadyPoint t) { return heartbeat_.skip_before(t) + meter_values_.skip_before(t); }

private:
    PeriodicSchedule heartbeat_;
    PeriodicSchedule meter_values_;
};

} // namespace csms::sim
