#pragma once
// The operators' API under /api/v1: bearer-token authentication, one
// permission per route, and an audit row for every call (allowed, denied or
// failed) committed before the answer leaves. /health and /metrics stay
// unauthenticated for load balancers and Prometheus.
#include "admin/api_context.hpp"
#include "admin/router.hpp"
#include "admin/status_routes.hpp"
#include "store/audit_store.hpp"

namespace csms::admin {

class Api {
public:
    Api(ApiContext context, StatusSources status);

    // The HttpHandler of the admin listener; runs on the admin thread.
    void handle(HttpRequest request, Respond respond);

    const Router& router() const { return router_; }

private:
    void audit_and_respond(const store::AuditRecord& record, HttpResponse response, Respond respond);

    ApiContext context_;
    StatusSources status_;
    Router router_;
};

} // namespace csms::admin
