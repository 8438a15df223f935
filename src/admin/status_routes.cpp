#include "admin/status_routes.hpp"

#include "base/process_metrics.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace csms::admin {
namespace {

// What Prometheus scrapes: csmsd's own series, the process's, and which
// build answers (a constant 1, for joins on version).
std::string metrics_page(const base::Metrics& metrics)
{
    std::string out = metrics.render_prometheus();
    out += base::render_process_metrics();
    out += "# HELP csms_build_info The version of the csmsd answering; always 1\n"
           "# TYPE csms_build_info gauge\n"
           "csms_build_info{version=\"" CSMS_VERSION "\"} 1\n";
    return out;
}

} // namespace

std::optional<HttpResponse> serve_status(const StatusSources& sources, const HttpRequest& request)
{
    auto path = std::string_view(request.target).substr(0, request.target.find('?'));
    if (path != "/health" && path != "/metrics") {
        return std::nullopt;
    }
    if (request.method != "GET") {
        return HttpResponse{405, "application/json", R"({"error":"method not allowed"})"};
    }
    if (path == "/metrics") {
        return HttpResponse{200, "text/plain; version=0.0.4", metrics_page(sources.metrics)};
    }
    bool database_ok = sources.database_ok();
    auto uptime = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - sources.started);
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartObject();
    writer.Key("status");
    writer.String(database_ok ? "ok" : "degraded");
    writer.Key("version");
    writer.String(CSMS_VERSION);
    writer.Key("uptime_s");
    writer.Int64(uptime.count());
    writer.Key("database");
    writer.String(database_ok ? "ok" : "unavailable");
    writer.Key("connected_chargers");
    writer.Uint64(sources.registry.size());
    writer.EndObject();
    return HttpResponse{database_ok ? 200u : 503u, "application/json", buffer.GetString()};
}

} // namespace csms::admin
