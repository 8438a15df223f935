#include "rules/conditions.hpp"

#include <algorithm>

namespace csms::rules {

bool in_scope(const Rule& rule, std::string_view charger_id, const std::optional<std::string>& model)
{
    const Scope& scope = rule.scope;
    if (scope.charger_id && *scope.charger_id != charger_id) {
        return false;
    }
    if (scope.model && (!model || *scope.model != *model)) {
        return false;
    }
    return !scope.region.has_value();
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

} // namespace csms::rules
