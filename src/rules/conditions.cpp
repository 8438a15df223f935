#include "rules/conditions.hpp"

#include <algorithm>

namespace csms::rules {

bool in_scope(const Rule& rule, std::string_view charger_id, const ChargerFacts& facts)
{
    const Scope& scope = rule.scope;
    if (scope.charger_id && *scope.charger_id != charger_id) {
        return false;
    }
    if (scope.model && (!facts.model || *scope.model != *facts.model)) {
        return false;
    }
    return !scope.region || (facts.region && *scope.region == *facts.region);
}

std::optional<bool> sample_condition(const Rule& rule, std::string_view measurand, std::string_view phase, double value)
{
    if ((rule.kind != RuleKind::threshold && rule.kind != RuleKind::range) || rule.measurand != measurand) {
        return std::nullopt;
    }
    if (rule.phase && *rule.phase != phase) {
        return std::nullopt;
    }
    if (rule.kind == RuleKind::range) {
        return value < rule.min.value_or(value) || value > rule.max.value_or(value);
    }
    return (rule.above && value > *rule.above) || (rule.below && value < *rule.below);
}

std::optional<bool> relative_condition(const Rule& rule, std::string_view measurand, std::string_view phase,
                                       double value, std::optional<double> reference)
{
    if (rule.kind != RuleKind::relative || rule.measurand != measurand || !reference || *reference <= 0) {
        return std::nullopt;
    }
    if (rule.phase && *rule.phase != phase) {
        return std::nullopt;
    }
    return value > *reference * rule.percent / 100.0;
}

bool meter_anomaly_condition(const Rule& rule, double previous_wh, double value_wh)
{
    return value_wh < previous_wh || (rule.max_jump_wh > 0 && value_wh - previous_wh > rule.max_jump_wh);
}

std::optional<bool> status_condition(const Rule& rule, std::string_view status, std::string_view error_code)
{
    if (rule.kind != RuleKind::faulted) {
        return std::nullopt;
    }
    if (status != "Faulted") {
        return false;
    }
    return rule.error_codes.empty() ||
           std::find(rule.error_codes.begin(), rule.error_codes.end(), error_code) != rule.error_codes.end();
}

namespace {

bool silent_longer_than(std::chrono::milliseconds silent_for, double multiple, std::chrono::seconds interval)
{
    using namespace std::chrono;
    return duration<double>(silent_for).count() > multiple * duration<double>(interval).count();
}

} // namespace

bool offline_condition(const Rule& rule, std::chrono::milliseconds silent_for, std::chrono::seconds heartbeat)
{
    return silent_longer_than(silent_for, rule.heartbeat_multiple, heartbeat);
}

bool stuck_condition(const Rule& rule, std::chrono::milliseconds silent_for, std::chrono::seconds sample_interval)
{
    return silent_longer_than(silent_for, rule.sample_multiple, sample_interval);
}

bool flapping_condition(const Rule& rule, int connections_in_window)
{
    return connections_in_window > rule.max_reconnects;
}

std::optional<bool> degraded_condition(const Rule& rule, double average_power_w, std::optional<double> rated_power_w)
{
    if (!rated_power_w || *rated_power_w <= 0) {
        return std::nullopt;
    }
    return average_power_w < *rated_power_w * rule.min_percent_of_rated / 100.0;
}

} // namespace csms::rules
