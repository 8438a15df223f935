#include "admin/api_json.hpp"
#include "admin/routes.hpp"
#include "base/api_token.hpp"
#include "csms/json.hpp"

#include <algorithm>

namespace csms::admin {
namespace {

void write_operator(JsonWriter& w, const store::Operator& o)
{
    w.StartObject();
    write_string(w, "name", o.name);
    write_string(w, "role", o.role);
    write_string(w, "created_at", o.created_at);
    write_string(w, "created_by", o.created_by);
    write_string(w, "disabled_at", o.disabled_at);
    write_string(w, "email", o.email);
    write_string(w, "mobile", o.mobile);
    w.EndObject();
}

// {"email": "...", "mobile": "..."}: a string sets, null clears, absent keeps.
store::OperatorContact read_contact(const rapidjson::Document& body)
{
    store::OperatorContact contact;
    auto field = [&body](const char* key, std::optional<std::string>& value, bool& clear) {
        auto it = body.FindMember(key);
        if (it == body.MemberEnd()) {
            return;
        }
        if (it->value.IsNull()) {
            clear = true;
        } else if (it->value.IsString()) {
            value = std::string(it->value.GetString(), it->value.GetStringLength());
        } else {
            throw ApiError(400, "bad_request", std::string(key) + " must be a string or null");
        }
    };
    field("email", contact.email, contact.clear_email);
    field("mobile", contact.mobile, contact.clear_mobile);
    return contact;
}

bool has_contact(const store::OperatorContact& c)
{
    return c.email || c.mobile || c.clear_email || c.clear_mobile;
}

// Issues a token for the operator; the answer is the only place it appears.
void issue_token(ApiContext& ctx, const std::string& name, std::optional<std::string> role, const std::string& by,
                 Finish finish, store::OperatorContact contact = {})
{
    auto token = base::generate_api_token();
    auto hash = base::api_token_hash(token);
    auto at = ctx.clock.now_utc();
    auto error = std::make_shared<std::string>();
    auto found = std::make_shared<bool>(true);
    ctx.writer.submit(
        [name, role, by, hash, at, error, found, contact](store::Database& db) {
            std::int64_t id = 0;
            if (role) {
                try {
                    id = store::create_operator(db, name, *role, by, at);
                    if (has_contact(contact)) {
                        store::set_operator_contact(db, name, contact);
                    }
                } catch (const store::OperatorError& e) {
                    *error = e.what();
                    throw;
                }
            } else {
                auto existing = store::find_operator(db, name);
                if (!existing || existing->disabled_at) {
                    *found = false;
                    throw std::runtime_error("no enabled operator");
                }
                id = existing->operator_id;
            }
            store::add_api_token(db, id, hash, at);
        },
        [name, role, token, error, found, finish, personal = has_contact(contact)](bool ok) {
            AuditNote audit{name};
            audit.personal_data = personal;
            if (!ok) {
                if (!*found) {
                    finish(ApiReply{json_error(404, "not_found", "no enabled operator named '" + name + "'"), audit});
                } else if (!error->empty()) {
                    finish(ApiReply{json_error(400, "bad_request", *error), audit});
                } else {
                    finish(ApiReply{json_error(500, "internal", "the operator could not be stored"), audit});
                }
                return;
            }
            rapidjson::StringBuffer buffer;
            JsonWriter w(buffer);
            w.StartObject();
            write_string(w, "name", name);
            if (role) {
                write_string(w, "role", *role);
            }
            write_string(w, "token", token);
            w.EndObject();
            finish(ApiReply{json_ok(buffer, role ? 201 : 200), audit});
        });
}

} // namespace

void add_operator_routes(Router& router, ApiContext& ctx)
{
    router.add({"GET", "/api/v1/whoami", "operators.whoami", Permission::authenticated,
                [](std::shared_ptr<const ApiCall> call, Finish finish) {
                    rapidjson::StringBuffer buffer;
                    JsonWriter w(buffer);
                    w.StartObject();
                    write_string(w, "name", call->caller.name);
                    write_string(w, "role", call->caller.role);
                    w.EndObject();
                    finish(ApiReply{json_ok(buffer), AuditNote{call->caller.name}});
                }});
    router.add(
        {"GET", "/api/v1/operators", "operators.list", Permission::operators_manage,
         [&ctx](std::shared_ptr<const ApiCall>, Finish finish) {
             // All of them on one page: operators are people, not thousands.
             auto rows = store::list_operators(ctx.reader);
             auto no_cursor = [](const store::Operator&) { return std::string(); };
             AuditNote audit;
             audit.personal_data =
                 std::any_of(rows.begin(), rows.end(), [](const store::Operator& o) { return o.email || o.mobile; });
             finish(ApiReply{page_response(rows, static_cast<int>(rows.size()) + 1, write_operator, no_cursor), audit});
         }});
    router.add({"POST", "/api/v1/operators", "operators.add", Permission::operators_manage,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    auto body = parse_object(call->request.body);
                    if (!body) {
                        throw ApiError(400, "bad_request", "the body must be a JSON object {\"name\", \"role\"}");
                    }
                    auto name = json::optional_string(*body, "name");
                    auto role = json::optional_string(*body, "role");
                    if (!name || !role) {
                        throw ApiError(400, "bad_request", "name and role are required strings");
                    }
                    issue_token(ctx, *name, *role, call->caller.name, std::move(finish), read_contact(*body));
                }});
    router.add({"POST", "/api/v1/operators/{name}/tokens", "operators.token", Permission::operators_manage,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    issue_token(ctx, call->param("name"), std::nullopt, call->caller.name, std::move(finish));
                }});
    // {"email": ..., "mobile": ...}: where notifications reach the operator.
    router.add({"POST", "/api/v1/operators/{name}/contact", "operators.contact", Permission::operators_manage,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    const auto& name = call->param("name");
                    auto body = parse_object(call->request.body);
                    if (!body) {
                        throw ApiError(400, "bad_request", "the body must be a JSON object {\"email\", \"mobile\"}");
                    }
                    auto contact = read_contact(*body);
                    auto refusal = std::make_shared<std::optional<HttpResponse>>();
                    auto updated = std::make_shared<std::optional<store::Operator>>();
                    ctx.writer.submit(
                        [name, contact, refusal, updated](store::Database& db) {
                            try {
                                if (!store::set_operator_contact(db, name, contact)) {
                                    *refusal = json_error(404, "not_found", "no operator named '" + name + "'");
                                    return;
                                }
                            } catch (const store::OperatorError& e) {
                                *refusal = json_error(400, "bad_request", e.what());
                                return;
                            }
                            *updated = store::find_operator(db, name);
                        },
                        [name, refusal, updated, finish](bool ok) {
                            AuditNote audit{name};
                            audit.personal_data = true;
                            if (!ok || (!*refusal && !*updated)) {
                                finish(ApiReply{json_error(500, "internal", "could not store the contact"), audit});
                                return;
                            }
                            if (*refusal) {
                                finish(ApiReply{std::move(**refusal), audit});
                                return;
                            }
                            rapidjson::StringBuffer buffer;
                            JsonWriter w(buffer);
                            write_operator(w, **updated);
                            finish(ApiReply{json_ok(buffer), audit});
                        });
                }});
    router.add({"POST", "/api/v1/operators/{name}/disable", "operators.disable", Permission::operators_manage,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    const auto& name = call->param("name");
                    auto at = ctx.clock.now_utc();
                    // Decided inside the writer's batch, where no other
                    // disable can interleave: nobody disables themselves,
                    // and the last enabled admin stays (the bootstrap only
                    // works on an empty database, so it could not be undone).
                    auto refusal = std::make_shared<std::optional<HttpResponse>>();
                    ctx.writer.submit(
                        [name, at, refusal, caller_id = call->caller.operator_id](store::Database& db) {
                            auto target = store::find_operator(db, name);
                            if (!target) {
                                *refusal = json_error(404, "not_found", "no operator named '" + name + "'");
                            } else if (target->operator_id == caller_id) {
                                *refusal = json_error(409, "conflict", "an operator cannot disable their own account");
                            } else if (target->role == "admin" && !target->disabled_at &&
                                       store::count_enabled_admins(db) <= 1) {
                                *refusal = json_error(409, "conflict", "the last enabled admin cannot be disabled");
                            } else {
                                store::disable_operator(db, name, at);
                            }
                        },
                        [name, refusal, finish](bool ok) {
                            if (!ok) {
                                finish(ApiReply{json_error(500, "internal", "could not disable"), AuditNote{name}});
                                return;
                            }
                            if (*refusal) {
                                finish(ApiReply{std::move(**refusal), AuditNote{name}});
                                return;
                            }
                            rapidjson::StringBuffer buffer;
                            JsonWriter w(buffer);
                            w.StartObject();
                            write_string(w, "name", name);
                            write_bool(w, "disabled", true);
                            w.EndObject();
                            finish(ApiReply{json_ok(buffer), AuditNote{name}});
                        });
                }});
}

} // namespace csms::admin
