#pragma once
// What a rule's condition says about one observation. Pure functions: the
// engine feeds their verdicts to a ConditionTracker per (rule, charger,
// connector), which decides when an alert opens and clears. nullopt means
// "this rule has nothing to say here" (another kind, measurand or phase, or a
// reference value the charger lacks), which leaves the tracker untouched.
#include "rules/rule.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace csms::rules {

// What an operator has recorded about a charger (chargers table).
struct ChargerFacts {
    std::optional<std::string> model, region;
    std::optional<double> rated_power_w, rated_current_a;
};

// Whether the charger falls under the rule's scope: every field the scope
// names must match.
bool in_scope(const Rule& rule, std::string_view charger_id, const ChargerFacts& facts);

// threshold (above and/or below) and range (outside min..max) on a sampled
// value in its base unit (Wh, W, A, V, Celsius, ...).
std::optional<bool> sample_condition(const Rule& rule, std::string_view measurand, std::string_view phase,
                                     double value);

// relative: the sampled current above percent % of the reference, which is
// the charger's rated current or the Current.Offered of the same sample set.
std::optional<bool> relative_condition(const Rule& rule, std::string_view measurand, std::string_view phase,
                                       double value, std::optional<double> reference);

// meter_anomaly: the energy register went backwards from `previous`, or
// jumped by more than max_jump_wh (when that is set).
bool meter_anomaly_condition(const Rule& rule, double previous_wh, double value_wh);

// faulted: a StatusNotification Faulted with one of the rule's error codes
// (any error when it lists none). Any other status clears the condition.
std::optional<bool> status_condition(const Rule& rule, std::string_view status, std::string_view error_code);

// offline: nothing heard for heartbeat_multiple x the heartbeat interval.
bool offline_condition(const Rule& rule, std::chrono::milliseconds silent_for, std::chrono::seconds heartbeat);

// stuck_transaction: Charging with no sample for sample_multiple x the
// sample interval.
bool stuck_condition(const Rule& rule, std::chrono::milliseconds silent_for, std::chrono::seconds sample_interval);

// flapping: more than max_reconnects connections inside the window.
bool flapping_condition(const Rule& rule, int connections_in_window);

// degraded: the average power of the last sessions under
// min_percent_of_rated % of the rated power; nullopt without a rating.
std::optional<bool> degraded_condition(const Rule& rule, double average_power_w, std::optional<double> rated_power_w);

} // namespace csms::rules
