#pragma once
// GET /health and GET /metrics: what a load balancer and Prometheus poll.
// The authenticated operator API is routed beside these.
#include "admin/http_server.hpp"
#include "base/metrics.hpp"
#include "csms/charger_registry.hpp"

#include <chrono>
#include <functional>
#include <optional>

namespace csms::admin {

struct StatusSources {
    const base::Metrics& metrics;
    const ChargerRegistry& registry;
    // True when the database answers a query; called per /health request.
    std::function<bool()> database_ok;
    std::chrono::steady_clock::time_point started;
};

// Returns nullopt for a path it does not serve.
std::optional<HttpResponse> serve_status(const StatusSources& sources, const HttpRequest& request);

} // namespace csms::admin
