// GET /api/v1/stats: the 15-minute statistics (docs/statistics.md), per
// quarter hour of the site's local time or per local day, oldest first.
#include "admin/api_json.hpp"
#include "admin/routes.hpp"
#include "base/time_format.hpp"
#include "store/stats_view.hpp"
#include "store/time_column.hpp"

#include <charconv>
#include <cmath>
#include <memory>

namespace csms::admin {
namespace {

void write_number(JsonWriter& w, std::string_view key, const std::optional<double>& value)
{
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    if (value) {
        w.Double(std::round(*value * 1000) / 1000); // a thousandth of a unit says enough
    } else {
        w.Null();
    }
}

void write_row(JsonWriter& w, const store::StatsRow& r)
{
    w.StartObject();
    write_string(w, "charger_id", r.charger_id);
    write_int(w, "connector_id", r.connector_id);
    write_string(w, "local_date", r.local_date);
    write_string(w, "time_zone", r.time_zone);
    if (r.quarter_start) {
        write_string(w, "quarter_start", r.quarter_start);
        write_string(w, "local_time", r.local_time);
    } else {
        write_int(w, "quarters", r.quarters);
    }
    write_number(w, "energy_wh", r.energy_wh);
    write_int(w, "charging_s", r.charging_s);
    write_int(w, "available_s", r.available_s);
    write_int(w, "sessions_started", r.sessions_started);
    write_int(w, "sessions_finished", r.sessions_finished);
    write_int(w, "faults", r.faults);
    write_number(w, "peak_power_w", r.peak_power_w);
    write_number(w, "max_temperature_c", r.max_temperature_c);
    if (r.quarter_start) {
        write_number(w, "energy_today_wh", r.energy_today_wh);
        write_int(w, "charging_today_s", r.charging_today_s);
        write_int(w, "sessions_today", r.sessions_today);
    }
    w.EndObject();
}

bool is_date(const std::string& text)
{
    return text.size() == 10 && base::parse_date_time(text + "T00:00:00Z").has_value();
}

// from/to: a local date (YYYY-MM-DD, included) or, for quarters, an instant
// (RFC 3339; quarters starting from `from` and before `to`).
void read_bound(const ApiCall& call, const char* name, store::StatsFilter& f, bool from)
{
    auto text = call.query_value(name);
    if (!text) {
        return;
    }
    if (is_date(*text)) {
        (from ? f.from_date : f.to_date) = *text;
        return;
    }
    auto instant = base::parse_date_time(*text);
    if (!instant) {
        throw ApiError(400, "bad_request",
                       std::string(name) + " must be a date (2026-03-29) or a date-time (2026-03-29T08:00:00Z)");
    }
    if (f.granularity == store::StatsGranularity::day) {
        throw ApiError(400, "bad_request", std::string(name) + " must be a date with granularity=day");
    }
    (from ? f.from_time : f.to_time) = store::to_column(*instant);
}

store::StatsFilter filter_of(const ApiCall& call)
{
    store::StatsFilter f;
    if (auto granularity = call.query_value("granularity")) {
        if (*granularity == "day") {
            f.granularity = store::StatsGranularity::day;
        } else if (*granularity != "quarter") {
            throw ApiError(400, "bad_request", "granularity must be quarter or day");
        }
    }
    f.charger_id = call.query_value("charger");
    if (auto connector = call.query_value("connector")) {
        int value = -1;
        auto [end, ec] = std::from_chars(connector->data(), connector->data() + connector->size(), value);
        if (ec != std::errc{} || end != connector->data() + connector->size() || value < 0) {
            throw ApiError(400, "bad_request", "connector must be a connector id (0 or more)");
        }
        f.connector_id = value;
    }
    if (auto day = call.query_value("day")) {
        if (!is_date(*day)) {
            throw ApiError(400, "bad_request", "day must be a local date like 2026-03-29");
        }
        f.from_date = f.to_date = *day;
    }
    read_bound(call, "from", f, true);
    read_bound(call, "to", f, false);
    f.limit = call.page_limit();
    f.after = call.cursor();
    return f;
}

} // namespace

void add_stats_routes(Router& router, ApiContext& ctx)
{
    // GET /api/v1/stats?charger=&connector=&day=&from=&to=&granularity=quarter|day&limit=&cursor=
    router.add({"GET", "/api/v1/stats", "stats.list", Permission::stats_read,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    auto filter = filter_of(*call);
                    std::vector<store::StatsRow> rows;
                    try {
                        rows = store::list_stats(ctx.reader, filter);
                    } catch (const std::invalid_argument&) {
                        throw ApiError(400, "bad_request", "cursor is not one this API returned");
                    }
                    finish(ApiReply{page_response(rows, filter.limit, write_row, store::stats_cursor_after),
                                    AuditNote{filter.charger_id}});
                }});
}

} // namespace csms::admin
