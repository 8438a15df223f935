#include "admin/api_json.hpp"
#include "admin/routes.hpp"
#include "store/audit_store.hpp"

namespace csms::admin {
namespace {

void write_entry(JsonWriter& w, const store::AuditRecord& r)
{
    w.StartObject();
    write_int(w, "audit_id", r.audit_id);
    write_string(w, "at", r.at);
    write_string(w, "operator", r.operator_name);
    write_string(w, "role", r.role);
    write_string(w, "remote", r.remote);
    write_string(w, "method", r.method);
    write_string(w, "path", r.path);
    write_string(w, "action", r.action);
    write_string(w, "object", r.object);
    write_int(w, "status", r.status);
    write_string(w, "outcome", r.outcome);
    write_bool(w, "personal_data", r.personal_data);
    w.EndObject();
}

} // namespace

void add_audit_routes(Router& router, ApiContext& ctx)
{
    // GET /api/v1/audit?operator=&action=&object=&since=&denied=1&limit=&cursor=
    router.add({"GET", "/api/v1/audit", "audit.list", Permission::audit_read,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    store::AuditFilter filter;
                    filter.operator_name = call->query_value("operator");
                    filter.action = call->query_value("action");
                    filter.object = call->query_value("object");
                    filter.since = call->query_value("since");
                    filter.denied_only = call->query_value("denied") == std::optional<std::string>("1");
                    filter.limit = call->page_limit();
                    filter.before_id = call->cursor_id();
                    auto rows = store::list_audit(ctx.reader, filter);
                    finish(
                        ApiReply{page_response(rows, filter.limit, write_entry,
                                               [](const store::AuditRecord& r) { return std::to_string(r.audit_id); }),
                                 AuditNote{}});
                }});
}

} // namespace csms::admin
