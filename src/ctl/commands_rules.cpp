#include "ctl/commands.hpp"

#include <ostream>

namespace csms::ctl {
namespace {

// "charger=CP-1 model=AC-22", or "all chargers".
std::string scope_of(const rapidjson::Value& rule)
{
    const auto* scope = member(rule, "scope");
    std::string out;
    for (const char* key : {"charger", "model", "region"}) {
        if (scope != nullptr && cell(*scope, key) != "-") {
            out += (out.empty() ? "" : " ") + std::string(key) + "=" + cell(*scope, key);
        }
    }
    return out.empty() ? "all chargers" : out;
}

void print_rules(std::ostream& out, const rapidjson::Value& answer)
{
    out << "rules from " << cell(answer, "source") << "\n";
    static const rapidjson::Value none(rapidjson::kArrayType);
    const auto* rules = member(answer, "rules");
    print_items(out, rules != nullptr ? *rules : none,
                {field("NAME", "name"), field("KIND", "kind"), field("SEVERITY", "severity"), Column{"SCOPE", scope_of},
                 field("LINE", "line")});
}

} // namespace

void add_rule_commands(CLI::App& app, Registry& r)
{
    auto* rules = add_noun(app, "rules", "the alert rules csmsd evaluates (docs/rules.md)");
    add_verb(r, *rules, "list", "the rules in force", [](Context& c) {
        c.print(c.api().get("/api/v1/rules"), [&c](const rapidjson::Value& json) { print_rules(c.out(), json); });
    });
    add_verb(r, *rules, "reload", "re-read the rules file; a bad file changes nothing and says why", [](Context& c) {
        c.print(c.api().send("POST", "/api/v1/rules/reload", rapidjson::Document(rapidjson::kObjectType)),
                [&c](const rapidjson::Value& json) { print_rules(c.out(), json); });
    });
}

} // namespace csms::ctl
