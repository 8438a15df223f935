// GET /api/v1/rules: the alert rules in force.
// POST /api/v1/rules/reload: re-read the rules file without a restart. A bad
// file is answered 422 with its file:line reason and the rules in force stay.
#include "admin/api_json.hpp"
#include "admin/routes.hpp"

#include <exception>

namespace csms::admin {
namespace {

void write_rule(JsonWriter& w, const rules::Rule& rule)
{
    w.StartObject();
    write_string(w, "name", rule.name);
    write_string(w, "kind", rules::to_string(rule.kind));
    write_string(w, "severity", rules::to_string(rule.severity));
    w.Key("scope");
    w.StartObject();
    write_string(w, "charger", rule.scope.charger_id);
    write_string(w, "model", rule.scope.model);
    write_string(w, "region", rule.scope.region);
    w.EndObject();
    write_int(w, "line", rule.line);
    w.EndObject();
}

HttpResponse rules_response(const rules::RuleSet& set)
{
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    write_string(w, "source", set.source);
    w.Key("rules");
    w.StartArray();
    for (const auto& rule : set.rules) {
        write_rule(w, rule);
    }
    w.EndArray();
    w.EndObject();
    return json_ok(buffer);
}

void require_engine(const ApiContext& ctx)
{
    if (!ctx.current_rules || !ctx.reload_rules) {
        throw ApiError(409, "no_rule_engine", "csmsd runs without a rules file; set [rules] file and restart it");
    }
}

} // namespace

void add_rule_routes(Router& router, ApiContext& ctx)
{
    router.add({"GET", "/api/v1/rules", "rules.list", Permission::alerts_read,
                [&ctx](std::shared_ptr<const ApiCall>, Finish finish) {
                    require_engine(ctx);
                    finish(ApiReply{rules_response(*ctx.current_rules()), AuditNote{}});
                }});

    // Parsed on the admin thread: a rules file is small, and the engine takes
    // the new set at its next poll without waiting for anyone.
    router.add({"POST", "/api/v1/rules/reload", "rules.reload", Permission::rules_manage,
                [&ctx](std::shared_ptr<const ApiCall>, Finish finish) {
                    require_engine(ctx);
                    std::shared_ptr<const rules::RuleSet> set;
                    try {
                        set = ctx.reload_rules();
                    } catch (const std::exception& e) {
                        finish(ApiReply{json_error(422, "invalid_rules",
                                                   std::string(e.what()) + " (the rules in force are unchanged)"),
                                        AuditNote{}});
                        return;
                    }
                    finish(ApiReply{rules_response(*set), AuditNote{set->source}});
                }});
}

} // namespace csms::admin
