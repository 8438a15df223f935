#include "admin/api_json.hpp"
#include "admin/routes.hpp"
#include "base/time_format.hpp"
#include "store/id_tag_view.hpp"
#include "store/transaction_store.hpp"

namespace csms::admin {
namespace {

void write_id_tag(JsonWriter& w, const store::IdTagRow& row)
{
    w.StartObject();
    write_string(w, "id_tag", row.id_tag);
    write_string(w, "status", row.status);
    std::optional<std::string> expiry;
    if (row.expiry) {
        expiry = base::format_date_time(*row.expiry);
    }
    write_string(w, "expiry", expiry);
    write_string(w, "parent_id_tag", row.parent_id_tag);
    write_string(w, "payment_method", row.payment_method);
    w.EndObject();
}

HttpResponse id_tag_response(const store::IdTagRow& row, unsigned status)
{
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    write_id_tag(w, row);
    return json_ok(buffer, status);
}

void check_tag(const std::string& tag, const char* what)
{
    if (tag.empty() || tag.size() > 20) {
        throw ApiError(400, "bad_request", std::string(what) + " must have 1 to 20 characters (OCPP CiString20)");
    }
}

// The methods the id_tags table accepts (migration 0009).
bool is_payment_method(const std::string& method)
{
    for (const char* known : {"account", "app", "bank_card", "prepaid", "fleet_invoice", "free"}) {
        if (method == known) {
            return true;
        }
    }
    return false;
}

// Applies the body's fields to row; absent fields stay, null clears.
void apply_fields(const rapidjson::Value& body, store::IdTagRow& row)
{
    if (auto it = body.FindMember("status"); it != body.MemberEnd()) {
        std::string status = it->value.IsString() ? it->value.GetString() : "";
        if (status != "Accepted" && status != "Blocked" && status != "Expired" && status != "Invalid") {
            throw ApiError(400, "bad_request", "status must be Accepted, Blocked, Expired or Invalid");
        }
        row.status = status;
    }
    if (auto it = body.FindMember("expiry"); it != body.MemberEnd()) {
        if (it->value.IsNull()) {
            row.expiry.reset();
        } else {
            auto parsed = it->value.IsString() ? base::parse_date_time(it->value.GetString()) : std::nullopt;
            if (!parsed) {
                throw ApiError(400, "bad_request", "expiry must be an RFC 3339 time such as 2027-01-01T00:00:00Z");
            }
            row.expiry = parsed;
        }
    }
    if (auto it = body.FindMember("parent_id_tag"); it != body.MemberEnd()) {
        if (it->value.IsNull()) {
            row.parent_id_tag.reset();
        } else {
            std::string parent = it->value.IsString() ? it->value.GetString() : "";
            check_tag(parent, "parent_id_tag");
            row.parent_id_tag = parent;
        }
    }
    if (auto it = body.FindMember("payment_method"); it != body.MemberEnd()) {
        if (it->value.IsNull()) {
            row.payment_method.reset();
        } else {
            std::string method = it->value.IsString() ? it->value.GetString() : "";
            if (!is_payment_method(method)) {
                throw ApiError(400, "bad_request",
                               "payment_method must be account, app, bank_card, prepaid, fleet_invoice or free");
            }
            row.payment_method = method;
        }
    }
}

// The writer job's verdict, read in its Done.
enum class Verdict { stored, exists, missing };

} // namespace

void add_id_tag_routes(Router& router, ApiContext& ctx)
{
    router.add({"GET", "/api/v1/id-tags", "id_tags.list", Permission::id_tags_read,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    int limit = call->page_limit();
                    auto rows = store::list_id_tags(ctx.reader, call->cursor(), limit);
                    auto cursor_of = [](const store::IdTagRow& row) { return row.id_tag; };
                    finish(ApiReply{page_response(rows, limit, write_id_tag, cursor_of),
                                    AuditNote{std::nullopt, "ok", !rows.empty()}});
                }});
    router.add({"GET", "/api/v1/id-tags/{id_tag}", "id_tags.show", Permission::id_tags_read,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    const auto& tag = call->param("id_tag");
                    auto row = store::find_id_tag(ctx.reader, tag);
                    if (!row) {
                        throw ApiError(404, "not_found", "no id tag '" + tag + "'");
                    }
                    finish(ApiReply{id_tag_response(*row, 200), AuditNote{tag, "ok", true}});
                }});
    router.add({"POST", "/api/v1/id-tags", "id_tags.add", Permission::id_tags_write,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    auto body = parse_object(call->request.body);
                    if (!body || !body->HasMember("id_tag") || !(*body)["id_tag"].IsString()) {
                        throw ApiError(400, "bad_request", "the body must be a JSON object with an \"id_tag\" string");
                    }
                    store::IdTagRow row;
                    row.id_tag = (*body)["id_tag"].GetString();
                    check_tag(row.id_tag, "id_tag");
                    row.status = "Accepted";
                    apply_fields(*body, row);
                    auto verdict = std::make_shared<Verdict>(Verdict::stored);
                    ctx.writer.submit(
                        [row, verdict](store::Database& db) {
                            if (store::find_id_tag(db, row.id_tag)) {
                                *verdict = Verdict::exists;
                                return;
                            }
                            store::upsert_id_tag(db, row);
                        },
                        [row, verdict, finish](bool ok) {
                            if (!ok) {
                                finish(ApiReply{json_error(500, "internal", "the id tag could not be stored"),
                                                AuditNote{row.id_tag}});
                            } else if (*verdict == Verdict::exists) {
                                finish(ApiReply{json_error(409, "conflict",
                                                           "id tag '" + row.id_tag + "' exists; change it with PATCH"),
                                                AuditNote{row.id_tag}});
                            } else {
                                finish(ApiReply{id_tag_response(row, 201), AuditNote{row.id_tag, "ok", true}});
                            }
                        });
                }});
    router.add(
        {"PATCH", "/api/v1/id-tags/{id_tag}", "id_tags.change", Permission::id_tags_write,
         [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
             auto body = parse_object(call->request.body);
             if (!body) {
                 throw ApiError(400, "bad_request", "the body must be a JSON object");
             }
             const auto& tag = call->param("id_tag");
             // Validate before queueing: the job applies the same
             // fields to the row as it is at commit time.
             store::IdTagRow probe{tag, "Accepted", std::nullopt, std::nullopt};
             apply_fields(*body, probe);
             auto changes = std::make_shared<rapidjson::Document>(std::move(*body));
             auto result = std::make_shared<store::IdTagRow>();
             auto verdict = std::make_shared<Verdict>(Verdict::stored);
             ctx.writer.submit(
                 [tag, changes, result, verdict](store::Database& db) {
                     auto row = store::find_id_tag(db, tag);
                     if (!row) {
                         *verdict = Verdict::missing;
                         return;
                     }
                     apply_fields(*changes, *row);
                     store::upsert_id_tag(db, *row);
                     *result = *row;
                 },
                 [tag, result, verdict, finish](bool ok) {
                     if (!ok) {
                         finish(
                             ApiReply{json_error(500, "internal", "the id tag could not be stored"), AuditNote{tag}});
                     } else if (*verdict == Verdict::missing) {
                         finish(ApiReply{json_error(404, "not_found", "no id tag '" + tag + "'"), AuditNote{tag}});
                     } else {
                         finish(ApiReply{id_tag_response(*result, 200), AuditNote{tag, "ok", true}});
                     }
                 });
         }});
}

} // namespace csms::admin
