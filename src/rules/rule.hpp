#pragma once
// One alert rule as an operator declares it in the rules file (docs/rules.md).
// Plain values: a RuleSet is immutable once parsed and may be shared between
// threads freely; the engine swaps whole RuleSets on reload.
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace csms::rules {

enum class Severity { info, warning, critical }; // the alerts table's values

enum class RuleKind {
    threshold,
    range,
    relative,
    faulted,
    offline,
    stuck_transaction,
    meter_anomaly,
    degraded,
    flapping,
    security_event
};

// Which chargers a rule watches. Every field given must match; all empty =
// every charger.
struct Scope {
    std::optional<std::string> charger_id, model, region;
};

struct Rule {
    std::string name; // unique in the file, [A-Za-z0-9_.-]{1,64}
    RuleKind kind = RuleKind::threshold;
    Severity severity = Severity::warning;
    Scope scope;
    std::string measurand;                // threshold, range, relative: an OCPP 1.6 Measurand value
    std::optional<std::string> phase;     // optional OCPP phase filter
    std::optional<double> above, below;   // threshold: at least one
    std::optional<double> min, max;       // range: both, min < max ("outside min..max" fires)
    double percent = 0;                   // relative: > 0
    std::string relative_to;              // relative: "rated_current" | "Current.Offered"
    std::chrono::seconds for_duration{0}; // the condition must hold this long before the alert opens
    std::chrono::seconds clear_after{0};  // and be false this long before it clears (hysteresis)
    std::vector<std::string> error_codes; // faulted: ChargePointErrorCode values; empty = any error
    double heartbeat_multiple = 3;        // offline: no traffic for N x the heartbeat interval
    double sample_multiple = 3;           // stuck_transaction: Charging with no MeterValues for N x the sample interval
    double max_jump_wh = 0; // meter_anomaly: register going backwards always fires; a jump above this (if > 0) too
    double min_percent_of_rated = 0; // degraded: average session power under this % of rated ...
    int last_sessions = 0;           // ... over the last N sessions
    int max_reconnects = 0;          // flapping: more than N reconnects ...
    std::chrono::seconds window{0};  // ... within this window
    int line = 0;                    // where the rule starts in the file
};

struct RuleSet {
    std::vector<Rule> rules;
    std::string source; // the file (or name) it was parsed from
};

std::string_view to_string(RuleKind kind);
std::string_view to_string(Severity severity);

// The OCPP 1.6 vocabularies the rules file is checked against, as listed in
// schemas/MeterValues.json and schemas/StatusNotification.json.
std::span<const std::string_view> known_measurands();
std::span<const std::string_view> known_phases();
std::span<const std::string_view> known_error_codes(); // ChargePointErrorCode, NoError included

} // namespace csms::rules
