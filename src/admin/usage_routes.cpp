// GET /api/v1/usage and /api/v1/usage/chargers: usage and load for planning
// and the chargers' performance, worst first (docs/usage.md). Aggregates
// only, so the answers carry no personal data.
#include "admin/api_json.hpp"
#include "admin/routes.hpp"
#include "base/region_path.hpp"
#include "base/time_format.hpp"
#include "store/usage_view.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <memory>

namespace csms::admin {
namespace {

// Longer ranges are refused: a year of days is what a planner compares.
constexpr int max_range_days = 366;
constexpr int default_charger_limit = 20;
constexpr int max_charger_limit = 1000;

// Rounded to 1/per of a unit: dividing after rounding gives the double
// nearest the decimal, which prints short ("0.0278", not "0.027800000000000006").
void write_rounded(JsonWriter& w, std::string_view key, const std::optional<double>& value, double per)
{
    write_number(w, key, value ? std::optional{std::round(*value * per) / per} : std::nullopt);
}

std::string date_param(const ApiCall& call, const char* name)
{
    auto text = call.query_value(name);
    if (!text) {
        throw ApiError(400, "bad_request", std::string(name) + " is required: a local date like 2026-03-29");
    }
    if (text->size() != 10 || !base::parse_date_time(*text + "T00:00:00Z")) {
        throw ApiError(400, "bad_request", std::string(name) + " must be a local date like 2026-03-29");
    }
    return *text;
}

store::UsageFilter filter_of(const ApiCall& call)
{
    store::UsageFilter f;
    f.from_date = date_param(call, "from");
    f.to_date = date_param(call, "to");
    auto from = *base::parse_date_time(f.from_date + "T00:00:00Z");
    auto to = *base::parse_date_time(f.to_date + "T00:00:00Z");
    if (to < from) {
        throw ApiError(400, "bad_request", "to must not be before from");
    }
    if (to - from >= std::chrono::days{max_range_days}) {
        throw ApiError(400, "bad_request",
                       "the range is longer than " + std::to_string(max_range_days) + " days; ask for less");
    }
    if (auto region = call.query_value("region")) {
        if (base::region_components(*region).empty()) {
            throw ApiError(400, "bad_request", "region must be a path like Guangdong/Shenzhen");
        }
        f.region = base::normalized_region(*region);
    }
    if (auto level = call.query_value("level")) {
        auto parsed = base::region_level_from(*level);
        if (!parsed) {
            throw ApiError(400, "bad_request", "level must be province, city, district or site");
        }
        f.level = *parsed;
    }
    return f;
}

store::UsageBucket bucket_of(const ApiCall& call)
{
    auto by = call.query_value("by");
    if (!by) {
        throw ApiError(400, "bad_request", "by is required: hour, day, week or region");
    }
    if (*by == "hour") {
        return store::UsageBucket::hour;
    }
    if (*by == "day") {
        return store::UsageBucket::day;
    }
    if (*by == "week") {
        return store::UsageBucket::week;
    }
    if (*by == "region") {
        return store::UsageBucket::region;
    }
    throw ApiError(400, "bad_request", "by must be hour, day, week or region");
}

const char* level_name(base::RegionLevel level)
{
    switch (level) {
    case base::RegionLevel::province:
        return "province";
    case base::RegionLevel::city:
        return "city";
    case base::RegionLevel::district:
        return "district";
    case base::RegionLevel::site:
        return "site";
    }
    return "city";
}

// What every report says about itself before its items.
void write_range(JsonWriter& w, const store::UsageFilter& f, const std::string& time_zone)
{
    write_string(w, "from", f.from_date);
    write_string(w, "to", f.to_date);
    write_string(w, "time_zone", time_zone);
    write_string(w, "region", f.region);
}

HttpResponse load_response(const store::UsageFilter& f, const std::string& by, const store::UsageReport& report)
{
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    write_string(w, "by", by);
    write_range(w, f, report.time_zone);
    if (by == "region") {
        write_string(w, "level", level_name(f.level));
    }
    w.Key("items");
    w.StartArray();
    for (const auto& r : report.rows) {
        w.StartObject();
        write_string(w, "bucket", r.bucket);
        write_int(w, "connectors", r.connectors);
        write_int(w, "sessions", r.sessions);
        write_rounded(w, "energy_wh", r.energy_wh, 1000);
        write_int(w, "charging_s", r.charging_s);
        write_int(w, "bucket_s", r.bucket_s);
        write_rounded(w, "utilisation", r.utilisation, 10000);
        write_int(w, "peak_concurrent_sessions", r.peak_concurrent);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return json_ok(buffer);
}

HttpResponse chargers_response(const store::UsageFilter& f, const store::PerformanceReport& report)
{
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    write_range(w, f, report.time_zone);
    write_string(w, "order", "availability, then success_rate, then average_pct_of_rated, lowest first");
    w.Key("items");
    w.StartArray();
    int rank = 0;
    for (const auto& c : report.chargers) {
        w.StartObject();
        write_int(w, "rank", ++rank);
        write_string(w, "charger_id", c.charger_id);
        write_string(w, "region", c.region);
        write_int(w, "connectors", c.connectors);
        write_int(w, "sessions", c.sessions);
        write_int(w, "finished_sessions", c.finished_sessions);
        write_int(w, "successful_sessions", c.successful_sessions);
        write_rounded(w, "success_rate", c.success_rate, 10000);
        write_rounded(w, "energy_wh", c.energy_wh, 1000);
        write_rounded(w, "energy_per_session_wh", c.energy_per_session_wh, 1000);
        write_rounded(w, "average_power_w", c.average_power_w, 10);
        write_rounded(w, "peak_power_w", c.peak_power_w, 10);
        write_rounded(w, "rated_power_w", c.rated_power_w, 10);
        write_rounded(w, "average_pct_of_rated", c.average_pct_of_rated, 100);
        write_int(w, "faults", c.faults);
        write_int(w, "available_s", c.available_s);
        write_rounded(w, "availability", c.availability, 10000);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return json_ok(buffer);
}

int charger_limit(const ApiCall& call)
{
    auto text = call.query_value("limit");
    if (!text) {
        return default_charger_limit;
    }
    int value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc{} || end != text->data() + text->size() || value < 1 || value > max_charger_limit) {
        throw ApiError(400, "bad_request", "limit must be a number from 1 to " + std::to_string(max_charger_limit));
    }
    return value;
}

} // namespace

void add_usage_routes(Router& router, ApiContext& ctx)
{
    // GET /api/v1/usage?by=hour|day|week|region&from=&to=[&level=][&region=]
    router.add({"GET", "/api/v1/usage", "usage.load", Permission::stats_read,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    auto by = bucket_of(*call);
                    auto filter = filter_of(*call);
                    auto report = store::usage_load(ctx.reader, filter, by, ctx.clock.now_utc());
                    finish(ApiReply{load_response(filter, *call->query_value("by"), report), AuditNote{}});
                }});
    // GET /api/v1/usage/chargers?from=&to=[&region=][&limit=]
    router.add({"GET", "/api/v1/usage/chargers", "usage.chargers", Permission::stats_read,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    auto filter = filter_of(*call);
                    auto limit = charger_limit(*call);
                    auto report = store::charger_performance(ctx.reader, filter, limit, ctx.clock.now_utc());
                    finish(ApiReply{chargers_response(filter, report), AuditNote{}});
                }});
}

} // namespace csms::admin
