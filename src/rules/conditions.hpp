#pragma once
// What a rule's condition says about one observation. Pure functions: the
// engine feeds their verdicts to a ConditionTracker per (rule, charger,
// connector), which decides when an alert opens and clears.
#include "rules/rule.hpp"

#include <optional>
#include <string_view>

namespace csms::rules {

// Whether the charger falls under the rule's scope; a scope by region
// matches nothing until chargers carry a region (master data).
bool in_scope(const Rule& rule, std::string_view charger_id, const std::optional<std::string>& model);

// threshold (above and/or below) and range (outside min..max) on a sampled
// value in its base unit (Wh, W, A, V, Celsius, ...). nullopt: the rule does
// not look at this sample (another kind, measurand or phase).
std::optional<bool> sample_condition(const Rule& rule, std::string_view measurand, std::string_view phase,
                                     double value);

// faulted: a StatusNotification Faulted with one of the rule's error codes
// (any error when it lists none). Any other status clears the condition.
std::optional<bool> status_condition(const Rule& rule, std::string_view status, std::string_view error_code);

} // namespace csms::rules
