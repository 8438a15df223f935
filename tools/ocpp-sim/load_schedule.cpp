#include "load_schedule.hpp"

#include <algorithm>

namespace csms::sim {

PeriodicSchedule::PeriodicSchedule(SteadyDuration interval, SteadyDuration phase, SteadyPoint start, SteadyPoint end)
    : interval_(interval), next_(start + phase), end_(end)
{
}

std::uint64_t PeriodicSchedule::skip_before(SteadyPoint t)
{
    if (!has_next() || next_ >= t) {
        return 0;
    }
    // Whole intervals at once: a charger may come up long after the start.
    // Slots past the window's end were never owed.
    const auto behind = (std::min(t, end_) - next_ + interval_ - SteadyDuration{1}) / interval_;
    next_ += behind * interval_;
    return static_cast<std::uint64_t>(behind);
}

SteadyDuration random_phase(SteadyDuration interval, std::mt19937_64& rng)
{
    if (interval.count() <= 0) {
        return SteadyDuration{0};
    }
    std::uniform_int_distribution<SteadyDuration::rep> pick(0, interval.count() - 1);
    return SteadyDuration{pick(rng)};
}

SteadyDuration seconds_to_duration(double seconds)
{
    return std::chrono::duration_cast<SteadyDuration>(std::chrono::duration<double>(seconds));
}

std::optional<LoadSlot> LoadSchedule::peek() const
{
    const bool hb = heartbeat_.has_next();
    const bool mv = meter_values_.has_next();
    if (hb && (!mv || heartbeat_.next() <= meter_values_.next())) {
        return LoadSlot{LoadAction::heartbeat, heartbeat_.next()};
    }
    if (mv) {
        return LoadSlot{LoadAction::meter_values, meter_values_.next()};
    }
    return std::nullopt;
}

void LoadSchedule::pop()
{
    auto slot = peek();
    if (!slot) {
        return;
    }
    if (slot->action == LoadAction::heartbeat) {
        heartbeat_.advance();
    } else {
        meter_values_.advance();
    }
}

} // namespace csms::sim
