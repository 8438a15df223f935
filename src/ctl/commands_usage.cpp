// csmsctl usage load|regions|chargers: the usage reports of
// GET /api/v1/usage[/chargers] as tables, JSON, CSV or SVG charts
// (docs/usage.md).
#include "ctl/commands.hpp"
#include "ctl/csv.hpp"
#include "ctl/svg_chart.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>

namespace csms::ctl {
namespace {

using OptText = std::optional<std::string>;

// What every usage verb takes besides its own options.
struct ReportOptions {
    OptText from, to, region;
    bool csv = false;
    OptText svg;
};

std::string utc_date(std::chrono::sys_days d)
{
    std::chrono::year_month_day ymd{d};
    char out[16];
    std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return out;
}

// Without --from/--to: the last 7 days up to today (UTC on this machine).
void add_range(Query& q, const ReportOptions& o)
{
    auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    q.add("from", o.from ? o.from : OptText(utc_date(today - std::chrono::days{6})));
    q.add("to", o.to ? o.to : OptText(utc_date(today)));
    q.add("region", o.region);
}

void add_report_options(CLI::App* verb, ReportOptions& o)
{
    verb->add_option("--from", o.from, "first local date, YYYY-MM-DD (default: 6 days before --to)");
    verb->add_option("--to", o.to, "last local date, included (default: today, UTC)");
    verb->add_option("--region", o.region, "only chargers at this region path or under it, e.g. Guangdong/Shenzhen");
    verb->add_flag("--csv", o.csv, "CSV with a header row instead of a table");
    verb->add_option("--svg", o.svg, "also write a bar chart to this SVG file");
}

double number(const rapidjson::Value& item, const char* key)
{
    const auto* v = member(item, key);
    return v != nullptr && v->IsNumber() ? v->GetDouble() : 0;
}

std::string fixed(double v, const char* format)
{
    char out[48];
    std::snprintf(out, sizeof out, format, v);
    return out;
}

// A ratio field (0..1) as a percentage cell; "-" when null.
Column percent(std::string header, const char* key)
{
    return Column{std::move(header), [key](const rapidjson::Value& item) {
                      const auto* v = member(item, key);
                      return v != nullptr && v->IsNumber() ? fixed(v->GetDouble() * 100, "%.1f") : std::string("-");
                  }};
}

const rapidjson::Value& items_of(const rapidjson::Value& answer)
{
    static const rapidjson::Value none(rapidjson::kArrayType);
    const auto* items = member(answer, "items");
    return items != nullptr && items->IsArray() ? *items : none;
}

// "2026-03-08 to 2026-03-10 (UTC), Guangdong/Shenzhen"
std::string span(const rapidjson::Value& answer)
{
    auto text = cell(answer, "from") + " to " + cell(answer, "to") + " (" + cell(answer, "time_zone") + ")";
    if (const auto* region = member(answer, "region"); region != nullptr && region->IsString()) {
        text += ", " + std::string(region->GetString());
    }
    return text;
}

void write_chart(const std::string& path, const Chart& chart)
{
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << render_svg(chart);
    file.flush();
    if (!file) {
        throw LocalError("cannot write " + path);
    }
}

// Before asking the server: a usage error never reaches it.
void check_output(const Context& c, const ReportOptions& o)
{
    if (o.csv && c.json()) {
        throw UsageError("--csv and --json exclude each other");
    }
}

// Prints the answer as the options ask, then writes the chart if asked.
void report(Context& c, const ApiAnswer& answer, const ReportOptions& o, const std::vector<Column>& columns,
            const std::vector<std::string>& csv_keys, const std::function<Chart(const rapidjson::Value&)>& chart)
{
    if (o.csv) {
        print_csv(c.out(), items_of(answer.json), csv_keys);
    } else {
        c.print_list(answer, columns);
    }
    if (o.svg) {
        write_chart(*o.svg, chart(answer.json));
        if (!o.csv && !c.json()) {
            c.out() << "chart written to " << *o.svg << "\n";
        }
    }
}

const std::vector<std::string> load_keys{"bucket",     "connectors", "sessions",    "energy_wh",
                                         "charging_s", "bucket_s",   "utilisation", "peak_concurrent_sessions"};

std::vector<Column> load_columns(std::string first)
{
    return {field(std::move(first), "bucket"),
            field("SESSIONS", "sessions"),
            field("ENERGY WH", "energy_wh"),
            field("CHARGING S", "charging_s"),
            field("CONNECTORS", "connectors"),
            percent("UTILISATION %", "utilisation"),
            field("PEAK SESSIONS", "peak_concurrent_sessions")};
}

ChartPanel panel_of(const rapidjson::Value& answer, std::string title, std::string axis, const char* key, double scale,
                    const char* format)
{
    ChartPanel p{std::move(title), std::move(axis), {}};
    for (const auto& item : items_of(answer).GetArray()) {
        auto v = number(item, key) * scale;
        p.bars.push_back({cell(item, "bucket"), v, fixed(v, format)});
    }
    return p;
}

void add_load(CLI::App& usage, Registry& r)
{
    auto& o = r.make<ReportOptions>();
    auto& by = r.make<std::string>("hour");
    auto* load = add_verb(
        r, usage, "load", "sessions, energy, utilisation and peak sessions by hour, day or week", [&](Context& c) {
            check_output(c, o);
            Query q;
            q.add("by", by);
            add_range(q, o);
            auto answer = c.api().get("/api/v1/usage" + q.str());
            std::string axis = by == "hour" ? "hour of day" : (by == "day" ? "local date" : "ISO week");
            report(c, answer, o, load_columns(by == "hour" ? "HOUR" : (by == "day" ? "DATE" : "WEEK")), load_keys,
                   [&](const rapidjson::Value& a) {
                       return Chart{"Energy and sessions by " + axis + ", " + span(a),
                                    axis,
                                    ChartLayout::columns,
                                    {panel_of(a, "Energy", "energy (kWh)", "energy_wh", 0.001, "%.1f"),
                                     panel_of(a, "Sessions started", "sessions", "sessions", 1, "%.0f")}};
                   });
        });
    load->add_option("--by", by, "hour (of day), day or week (ISO, Monday first)")
        ->check(CLI::IsMember({"hour", "day", "week"}));
    add_report_options(load, o);
}

void add_regions(CLI::App& usage, Registry& r)
{
    auto& o = r.make<ReportOptions>();
    auto& level = r.make<std::string>("city");
    auto* regions = add_verb(r, usage, "regions", "usage per region at a level, busiest first", [&](Context& c) {
        check_output(c, o);
        Query q;
        q.add("by", OptText("region")).add("level", level);
        add_range(q, o);
        auto answer = c.api().get("/api/v1/usage" + q.str());
        report(c, answer, o, load_columns("REGION"), load_keys, [&](const rapidjson::Value& a) {
            return Chart{"Usage by " + level + ", " + span(a),
                         level,
                         ChartLayout::rows,
                         {panel_of(a, "Energy", "kWh", "energy_wh", 0.001, "%.1f kWh"),
                          panel_of(a, "Utilisation", "% of connector time charging", "utilisation", 100, "%.1f %%")}};
        });
    });
    regions->add_option("--level", level, "province, city, district or site (region path components kept)")
        ->check(CLI::IsMember({"province", "city", "district", "site"}));
    add_report_options(regions, o);
}

const std::vector<std::string> charger_keys{"rank",
                                            "charger_id",
                                            "region",
                                            "connectors",
                                            "sessions",
                                            "finished_sessions",
                                            "successful_sessions",
                                            "success_rate",
                                            "energy_wh",
                                            "energy_per_session_wh",
                                            "average_power_w",
                                            "peak_power_w",
                                            "rated_power_w",
                                            "average_pct_of_rated",
                                            "faults",
                                            "available_s",
                                            "availability"};

// The ranking: availability bars, worst on top, the other figures beside them.
Chart ranking_chart(const rapidjson::Value& a)
{
    ChartPanel p{"Availability, worst first", "% of the range available or charging", {}, 100};
    for (const auto& item : items_of(a).GetArray()) {
        auto availability = number(item, "availability") * 100;
        auto text = fixed(availability, "%.1f %%");
        if (const auto* s = member(item, "success_rate"); s != nullptr && s->IsNumber()) {
            text += ", success " + fixed(s->GetDouble() * 100, "%.0f %%");
        }
        if (const auto* p2 = member(item, "average_pct_of_rated"); p2 != nullptr && p2->IsNumber()) {
            text += ", " + fixed(p2->GetDouble(), "%.0f %%") + " of rated";
        }
        text += ", " + cell(item, "faults") + " faults";
        p.bars.push_back({cell(item, "rank") + ". " + cell(item, "charger_id"), availability, text});
    }
    return Chart{"Chargers for maintenance, " + span(a), "charger", ChartLayout::rows, {p}};
}

void add_chargers(CLI::App& usage, Registry& r)
{
    auto& o = r.make<ReportOptions>();
    auto& limit = r.make<OptText>();
    auto* chargers = add_verb(r, usage, "chargers", "per-charger performance, worst first", [&](Context& c) {
        check_output(c, o);
        Query q;
        add_range(q, o);
        q.add("limit", limit);
        auto answer = c.api().get("/api/v1/usage/chargers" + q.str());
        report(c, answer, o,
               {field("RANK", "rank"), field("CHARGER", "charger_id"), field("REGION", "region"),
                percent("AVAIL %", "availability"), percent("SUCCESS %", "success_rate"), field("SESSIONS", "sessions"),
                field("WH/SESSION", "energy_per_session_wh"), field("AVG W", "average_power_w"),
                field("PEAK W", "peak_power_w"), field("RATED W", "rated_power_w"),
                field("% RATED", "average_pct_of_rated"), field("FAULTS", "faults")},
               charger_keys, ranking_chart);
    });
    chargers->add_option("--limit", limit, "how many of the worst (1-1000, default 20)");
    add_report_options(chargers, o);
}

} // namespace

void add_usage_commands(CLI::App& app, Registry& r)
{
    auto* usage = add_noun(app, "usage", "usage and load reports for planning, and chargers worst first");
    add_load(*usage, r);
    add_regions(*usage, r);
    add_chargers(*usage, r);
}

} // namespace csms::ctl
