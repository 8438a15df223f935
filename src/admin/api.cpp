#include "admin/api.hpp"

#include "admin/api_json.hpp"
#include "admin/routes.hpp"
#include "base/api_token.hpp"
#include "store/audit_store.hpp"

#include <spdlog/spdlog.h>

namespace csms::admin {
namespace {

constexpr std::string_view api_prefix = "/api/v1/";
// A path longer than this is cut in its audit row: anyone can send one, and
// the row is kept for good.
constexpr std::size_t max_audited_path = 256;

std::optional<std::string> bearer_token(const std::string& authorization)
{
    constexpr std::string_view scheme = "Bearer ";
    if (authorization.size() <= scheme.size() || authorization.compare(0, scheme.size(), scheme) != 0) {
        return std::nullopt;
    }
    return authorization.substr(scheme.size());
}

std::string error_code_of(const HttpResponse& response)
{
    // Our own JSON, built by json_error: {"error":{"code":"...","message":...}}.
    rapidjson::Document doc;
    if (doc.Parse(response.body.c_str()).HasParseError() || !doc.IsObject() || !doc.HasMember("error") ||
        !doc["error"].IsObject() || !doc["error"].HasMember("code") || !doc["error"]["code"].IsString()) {
        return "error";
    }
    return doc["error"]["code"].GetString();
}

} // namespace

Api::Api(ApiContext context, StatusSources status) : context_(std::move(context)), status_(std::move(status))
{
    add_operator_routes(router_, context_);
    add_audit_routes(router_, context_);
    add_charger_routes(router_, context_);
    add_charger_registration_routes(router_, context_);
    add_transaction_routes(router_, context_);
    add_sample_routes(router_, context_);
    add_id_tag_routes(router_, context_);
    add_command_routes(router_, context_);
    add_event_routes(router_, context_);
    add_alert_routes(router_, context_);
    add_rule_routes(router_, context_);
    add_notification_routes(router_, context_);
    add_stats_routes(router_, context_);
    add_billing_routes(router_, context_);
    add_usage_routes(router_, context_);
    add_partner_routes(router_, context_);
}

void Api::handle(HttpRequest request, Respond respond)
{
    if (auto response = serve_status(status_, request)) {
        respond(std::move(*response));
        return;
    }
    store::AuditRecord record;
    record.remote = request.remote;
    record.method = request.method;
    auto target = parse_target(request.target);
    record.path = target ? target->path : std::string("(malformed)");
    if (record.path.size() > max_audited_path) {
        record.path = record.path.substr(0, max_audited_path) + "...";
    }
    record.action = "unrouted";
    auto refuse = [&](HttpResponse response) {
        record.status = static_cast<int>(response.status);
        record.outcome = error_code_of(response);
        audit_and_respond(record, std::move(response), std::move(respond));
    };
    if (!target) {
        refuse(json_error(400, "bad_request", "the request target has a malformed escape"));
        return;
    }
    if (target->path.compare(0, api_prefix.size(), api_prefix) != 0) {
        respond(json_error(404, "not_found", "no such path; the API is under /api/v1/"));
        return;
    }
    auto match = router_.match(request.method, target->path);

    // Authenticate before saying anything about routes: a caller without a
    // token learns nothing about what exists.
    std::optional<store::Operator> caller;
    if (match.route) {
        record.action = Router::action_name(*match.route, match.params);
    }
    if (auto token = bearer_token(request.authorization)) {
        try {
            caller = store::find_operator_by_token(context_.reader, base::api_token_hash(*token));
        } catch (const std::exception& e) {
            spdlog::error("admin: the token lookup failed: {}", e.what());
            refuse(json_error(500, "internal", "internal error; see the server log"));
            return;
        }
    }
    if (!caller) {
        refuse(
            json_error(401, "unauthenticated",
                       request.authorization.empty() ? "a bearer token is required" : "the bearer token is not valid"));
        return;
    }
    record.operator_id = caller->operator_id;
    record.operator_name = caller->name;
    record.role = caller->role;
    if (!match.route) {
        refuse(match.path_known ? json_error(405, "method_not_allowed", request.method + " is not allowed here")
                                : json_error(404, "not_found", "no such path"));
        return;
    }
    const Route& route = *match.route;
    if (!role_allows(caller->role, route.permission)) {
        refuse(json_error(403, "forbidden",
                          "role " + caller->role + " lacks the permission " +
                              std::string(permission_name(route.permission))));
        return;
    }
    auto call = std::make_shared<ApiCall>(
        ApiCall{std::move(request), target->path, std::move(target->query), std::move(match.params), *caller});
    auto finish = [this, record, respond](ApiReply reply) mutable {
        record.status = static_cast<int>(reply.response.status);
        record.object = std::move(reply.audit.object);
        // A failed call is logged by its error code unless the handler gave
        // a more specific account (e.g. the charger's CALLERROR code).
        bool failed = reply.response.status >= 400;
        record.outcome =
            failed && reply.audit.outcome == "ok" ? error_code_of(reply.response) : std::move(reply.audit.outcome);
        record.personal_data = reply.audit.personal_data;
        audit_and_respond(record, std::move(reply.response), std::move(respond));
    };
    try {
        route.handler(call, finish);
    } catch (const ApiError& e) {
        finish(ApiReply{json_error(e.status(), e.code(), e.what()), AuditNote{}});
    } catch (const store::OperatorError& e) {
        finish(ApiReply{json_error(400, "bad_request", e.what()), AuditNote{}});
    } catch (const std::exception& e) {
        // Audited like any answer; the detail goes to the log, not the caller.
        spdlog::error("admin {} failed: {}", record.action, e.what()); // the path may name an id tag
        finish(ApiReply{json_error(500, "internal", "internal error; see the server log"), AuditNote{}});
    }
}

void Api::audit_and_respond(const store::AuditRecord& record, HttpResponse response, Respond respond)
{
    // The answer waits for its audit row: an action nobody can trace is
    // worse than a slow answer. If the row cannot be written the caller
    // learns it (the action itself may have happened; the log says so).
    auto at = context_.clock.now_utc();
    auto shared = std::make_shared<HttpResponse>(std::move(response));
    context_.writer.submit(
        [record, at](store::Database& db) { store::append_audit(db, record, at); },
        [shared, respond = std::move(respond), action = record.action](bool ok) {
            if (!ok) {
                spdlog::error("admin: the audit row for {} could not be written", action);
                respond(json_error(500, "audit_unavailable", "the audit log could not be written; see the server log"));
                return;
            }
            respond(std::move(*shared));
        });
}

} // namespace csms::admin
