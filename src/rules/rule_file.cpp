#include "rules/rule_file.hpp"

#include "base/toml_fields.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <sstream>

namespace csms::rules {
namespace {

using base::in_quotes;
using base::line_of;
using base::one_of;
using base::suggestion;
using base::valid_name;

constexpr RuleKind all_kinds[] = {RuleKind::threshold,     RuleKind::range,    RuleKind::relative,
                                  RuleKind::faulted,       RuleKind::offline,  RuleKind::stuck_transaction,
                                  RuleKind::meter_anomaly, RuleKind::degraded, RuleKind::flapping,
                                  RuleKind::security_event};

constexpr unsigned bit(RuleKind kind)
{
    return 1u << static_cast<unsigned>(kind);
}
constexpr unsigned any_kind = (1u << std::size(all_kinds)) - 1;
constexpr unsigned measured = bit(RuleKind::threshold) | bit(RuleKind::range) | bit(RuleKind::relative);

// Every key a [[rule]] table may hold, and the kinds it belongs to. A key not
// listed is a typo; a key listed for other kinds would be silently ignored by
// the engine, so both are errors.
struct FieldSpec {
    std::string_view key;
    unsigned kinds;
};
constexpr FieldSpec field_specs[] = {
    {"name", any_kind},
    {"kind", any_kind},
    {"severity", any_kind},
    {"scope", any_kind},
    {"clear_after_s", any_kind},
    {"for_s", measured | bit(RuleKind::faulted)},
    {"measurand", measured},
    {"phase", measured},
    {"above", bit(RuleKind::threshold)},
    {"below", bit(RuleKind::threshold)},
    {"min", bit(RuleKind::range)},
    {"max", bit(RuleKind::range)},
    {"percent", bit(RuleKind::relative)},
    {"relative_to", bit(RuleKind::relative)},
    {"error_codes", bit(RuleKind::faulted)},
    {"heartbeat_multiple", bit(RuleKind::offline)},
    {"sample_multiple", bit(RuleKind::stuck_transaction)},
    {"max_jump_wh", bit(RuleKind::meter_anomaly)},
    {"min_percent_of_rated", bit(RuleKind::degraded)},
    {"last_sessions", bit(RuleKind::degraded)},
    {"max_reconnects", bit(RuleKind::flapping)},
    {"window_s", bit(RuleKind::flapping)},
};

constexpr std::string_view severities[] = {"info", "warning", "critical"};
constexpr std::string_view scope_keys[] = {"charger", "model", "region"};
constexpr std::string_view relative_measurands[] = {"Current.Import", "Current.Export"};
constexpr std::string_view relative_references[] = {"rated_current", "Current.Offered"};

const FieldSpec* find_field(std::string_view key)
{
    for (const auto& spec : field_specs) {
        if (spec.key == key) {
            return &spec;
        }
    }
    return nullptr;
}

bool contains(std::span<const std::string_view> list, std::string_view word)
{
    return std::find(list.begin(), list.end(), word) != list.end();
}

std::string format_number(double value)
{
    std::ostringstream out;
    out << value;
    return out.str();
}

// "a range rule", "an offline rule".
std::string a_kind(RuleKind kind)
{
    std::string name(to_string(kind));
    return (name.front() == 'o' ? "an " : "a ") + name + " rule";
}

using NameLines = std::map<std::string, int, std::less<>>;

// Reads one [[rule]] table into a Rule, or throws naming the line and field.
class RuleReader {
public:
    RuleReader(const toml::table& table, const std::string& source, std::size_t index)
        : r_(table, source, "rule #" + std::to_string(index)), line_(line_of(table))
    {
    }

    Rule read(NameLines& names)
    {
        Rule rule;
        rule.line = line_;
        rule.name = read_name(names);
        check_keys_known();
        rule.kind = read_kind();
        check_keys_belong(rule.kind);
        if (auto severity = text("severity")) {
            rule.severity = parse_severity(*severity);
        }
        read_scope(rule.scope);
        if (auto seconds = duration("for_s")) {
            rule.for_duration = *seconds;
        }
        if (auto seconds = duration("clear_after_s")) {
            rule.clear_after = *seconds;
        }
        switch (rule.kind) {
        case RuleKind::threshold:
            read_threshold(rule);
            break;
        case RuleKind::range:
            read_range(rule);
            break;
        case RuleKind::relative:
            read_relative(rule);
            break;
        case RuleKind::faulted:
            read_error_codes(rule);
            break;
        case RuleKind::offline:
            rule.heartbeat_multiple = number("heartbeat_multiple", 1).value_or(rule.heartbeat_multiple);
            break;
        case RuleKind::stuck_transaction:
            rule.sample_multiple = number("sample_multiple", 1).value_or(rule.sample_multiple);
            break;
        case RuleKind::meter_anomaly:
            rule.max_jump_wh = number("max_jump_wh", 0).value_or(rule.max_jump_wh);
            break;
        case RuleKind::degraded:
            rule.min_percent_of_rated = required(number("min_percent_of_rated", 0), "min_percent_of_rated", rule);
            if (rule.min_percent_of_rated <= 0 || rule.min_percent_of_rated > 100) {
                fail_at("min_percent_of_rated", "min_percent_of_rated must be above 0 and at most 100");
            }
            rule.last_sessions = required(integer("last_sessions", 1, 1000), "last_sessions", rule);
            break;
        case RuleKind::flapping:
            rule.max_reconnects = required(integer("max_reconnects", 0, 100000), "max_reconnects", rule);
            rule.window = required(duration("window_s"), "window_s", rule);
            if (rule.window.count() == 0) {
                fail_at("window_s", "window_s must be at least 1 second");
            }
            break;
        case RuleKind::security_event:
            break;
        }
        return rule;
    }

private:
    [[noreturn]] void fail(int line, const std::string& message) const { r_.fail(line, message); }
    [[noreturn]] void fail_at(std::string_view key, const std::string& message) const { r_.fail_at(key, message); }

    template <class T> T required(std::optional<T> value, std::string_view key, const Rule& rule) const
    {
        if (!value) {
            fail(line_, "missing " + std::string(key) + " (required for " + a_kind(rule.kind) + ")");
        }
        return *value;
    }

    std::optional<std::string> text(std::string_view key) const { return r_.text(key); }
    std::optional<double> number(std::string_view key, double min = -HUGE_VAL) const { return r_.number(key, min); }
    std::optional<std::chrono::seconds> duration(std::string_view key) const { return r_.whole_seconds(key); }

    std::optional<int> integer(std::string_view key, int min, int max) const
    {
        auto value = r_.whole_number(key);
        if (value && (*value < min || *value > max)) {
            fail_at(key, std::string(key) + " must be between " + std::to_string(min) + " and " + std::to_string(max));
        }
        return value ? std::optional<int>(static_cast<int>(*value)) : std::nullopt;
    }

    std::string read_name(NameLines& names)
    {
        auto name = text("name");
        if (!name) {
            fail(line_, "missing name");
        }
        if (!valid_name(*name)) {
            fail_at("name", "name " + in_quotes(*name) + " must be 1 to 64 of the characters A-Z a-z 0-9 _ . -");
        }
        r_.rename("rule " + in_quotes(*name));
        auto [it, inserted] = names.emplace(*name, line_);
        if (!inserted) {
            fail_at("name", "name is already used by the rule at line " + std::to_string(it->second));
        }
        return *name;
    }

    void check_keys_known() const
    {
        std::vector<std::string_view> known;
        for (const auto& spec : field_specs) {
            known.push_back(spec.key);
        }
        r_.check_keys(known, base::KeyHint::did_you_mean);
    }

    RuleKind read_kind() const
    {
        std::vector<std::string_view> names;
        for (auto kind : all_kinds) {
            names.push_back(to_string(kind));
        }
        auto kind = text("kind");
        if (!kind) {
            fail(line_, "missing kind (" + one_of(names) + ")");
        }
        for (auto candidate : all_kinds) {
            if (to_string(candidate) == *kind) {
                return candidate;
            }
        }
        fail_at("kind", "kind " + in_quotes(*kind) + " is not one of " + one_of(names) + suggestion(*kind, names));
    }

    void check_keys_belong(RuleKind kind) const
    {
        const toml::key* stray = nullptr;
        for (auto&& [key, node] : r_.table()) {
            if ((find_field(key.str())->kinds & bit(kind)) == 0 &&
                (stray == nullptr || line_of(key) < line_of(*stray))) {
                stray = &key;
            }
        }
        if (stray == nullptr) {
            return;
        }
        std::vector<std::string_view> owners;
        for (auto owner : all_kinds) {
            if ((find_field(stray->str())->kinds & bit(owner)) != 0) {
                owners.push_back(to_string(owner));
            }
        }
        fail(line_of(*stray), std::string(stray->str()) + " does not belong to " + a_kind(kind) + " (it is for " +
                                  one_of(owners) + " rules)");
    }

    Severity parse_severity(std::string_view text) const
    {
        if (text == "info") return Severity::info;
        if (text == "warning") return Severity::warning;
        if (text == "critical") return Severity::critical;
        fail_at("severity",
                "severity " + in_quotes(text) + " is not one of " + one_of(severities) + suggestion(text, severities));
    }

    void read_scope(Scope& scope) const
    {
        const toml::node* node = r_.table().get("scope");
        if (node == nullptr) {
            return;
        }
        const toml::table* table = node->as_table();
        if (table == nullptr) {
            fail(line_of(*node), "scope must be a table such as { model = \"AC-22\" }");
        }
        for (auto&& [key, value] : *table) {
            std::string field = "scope." + std::string(key.str());
            if (!contains(scope_keys, key.str())) {
                fail(line_of(key), "unknown key " + in_quotes(field) + " (scope takes " + one_of(scope_keys) + ")" +
                                       suggestion(key.str(), scope_keys));
            }
            if (!value.is_string() || value.value<std::string>()->empty()) {
                fail(line_of(value), field + " must be a non-empty string");
            }
            std::string text = *value.value<std::string>();
            if (key.str() == "charger") {
                scope.charger_id = text;
            } else if (key.str() == "model") {
                scope.model = text;
            } else {
                scope.region = text;
            }
        }
    }

    void read_measurand(Rule& rule) const
    {
        rule.measurand = required(text("measurand"), "measurand", rule);
        if (!contains(known_measurands(), rule.measurand)) {
            fail_at("measurand", "measurand " + in_quotes(rule.measurand) + " is not an OCPP 1.6 Measurand" +
                                     suggestion(rule.measurand, known_measurands()));
        }
        rule.phase = text("phase");
        if (rule.phase && !contains(known_phases(), *rule.phase)) {
            fail_at("phase", "phase " + in_quotes(*rule.phase) + " is not one of " + one_of(known_phases()));
        }
    }

    void read_threshold(Rule& rule) const
    {
        read_measurand(rule);
        rule.above = number("above");
        rule.below = number("below");
        if (!rule.above && !rule.below) {
            fail(line_, "missing above or below (a threshold rule needs at least one)");
        }
        if (rule.above && rule.below && *rule.below >= *rule.above) {
            fail_at("below", "below must be less than above, or every value would fire (for a band use kind = "
                             "\"range\")");
        }
    }

    void read_range(Rule& rule) const
    {
        read_measurand(rule);
        rule.min = required(number("min"), "min", rule);
        rule.max = required(number("max"), "max", rule);
        if (*rule.min >= *rule.max) {
            fail_at("max",
                    "min (" + format_number(*rule.min) + ") must be less than max (" + format_number(*rule.max) + ")");
        }
    }

    void read_relative(Rule& rule) const
    {
        read_measurand(rule);
        if (!contains(relative_measurands, rule.measurand)) {
            fail_at("measurand", "a relative rule compares a current: measurand must be " +
                                     one_of(relative_measurands) + ", not " + in_quotes(rule.measurand));
        }
        rule.percent = required(number("percent"), "percent", rule);
        if (rule.percent <= 0) {
            fail_at("percent", "percent must be above 0");
        }
        rule.relative_to = required(text("relative_to"), "relative_to", rule);
        if (!contains(relative_references, rule.relative_to)) {
            fail_at("relative_to",
                    "relative_to " + in_quotes(rule.relative_to) + " is not one of " + one_of(relative_references));
        }
    }

    void read_error_codes(Rule& rule) const
    {
        rule.error_codes = r_.strings("error_codes", [](const std::string& code) {
            if (code == "NoError") {
                return std::string("is not a fault; leave error_codes empty for any fault");
            }
            return contains(known_error_codes(), code)
                       ? std::string()
                       : "is not an OCPP 1.6 ChargePointErrorCode" + suggestion(code, known_error_codes());
        });
    }

    base::TableReader r_;
    int line_;
};

RuleSet parse(std::string_view toml_text, const std::string& source_name)
{
    toml::table root = base::parse_toml(toml_text, source_name);
    constexpr std::string_view top_keys[] = {"rule"};
    base::check_top_level_keys(root, source_name, top_keys, "each rule is a [[rule]] table");
    RuleSet set;
    set.source = source_name;
    NameLines names;
    if (const auto* rules = base::table_array(root, "rule", source_name)) {
        for (std::size_t i = 0; i < rules->size(); ++i) {
            set.rules.push_back(RuleReader(*rules->get(i)->as_table(), source_name, i + 1).read(names));
        }
    }
    return set;
}

} // namespace

RuleSet parse_rules(std::string_view toml_text, const std::string& source_name)
{
    try {
        return parse(toml_text, source_name);
    } catch (const base::TomlFileError& e) {
        throw RuleFileError(e.what());
    }
}

RuleSet load_rule_file(const std::string& path)
{
    std::string text;
    try {
        text = base::read_toml_file(path, "the rules file");
    } catch (const base::TomlFileError& e) {
        throw RuleFileError(e.what());
    }
    return parse_rules(text, path);
}

} // namespace csms::rules
