#pragma once
// Hysteresis and de-duplication for one (rule, charger, connector): the
// alert opens once the condition has held for `hold`, and clears once it has
// been false for `clear_after`. Between the two nothing changes, however many
// observations arrive, so a flood of hot samples raises one alert and a
// reading that dips for a moment does not clear it.
//
// Observations carry their own time (the charger's sample time, or the
// engine's clock for silence rules), so tests drive hours in microseconds.
#include "base/clock.hpp"

#include <chrono>
#include <optional>

namespace csms::rules {

class ConditionTracker {
public:
    enum class Change { none, open, clear };

    ConditionTracker(std::chrono::seconds hold, std::chrono::seconds clear_after);

    // Observations older than the newest one seen are ignored: a sample
    // replayed after a reconnect must not reopen or clear anything.
    Change observe(bool condition, base::SysTime at);

    // An alert is open for this key.
    bool active() const { return active_; }
    // Where an engine restarts with an alert already open in the store.
    void restore_active(base::SysTime at);

private:
    std::chrono::seconds hold_;
    std::chrono::seconds clear_after_;
    bool active_ = false;
    std::optional<base::SysTime> true_since_;
    std::optional<base::SysTime> false_since_;
    std::optional<base::SysTime> newest_;
};

} // namespace csms::rules
