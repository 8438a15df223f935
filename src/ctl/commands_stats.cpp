#include "ctl/commands.hpp"

#include <optional>

namespace csms::ctl {
namespace {

// "CP1/2": the charger and its connector.
std::string where(const rapidjson::Value& row)
{
    return cell(row, "charger_id") + "/" + cell(row, "connector_id");
}

} // namespace

void add_stats_command(CLI::App& app, Registry& r)
{
    using OptText = std::optional<std::string>;
    auto& charger = r.make<OptText>();
    auto& connector = r.make<OptText>();
    auto& day = r.make<OptText>();
    auto& from = r.make<OptText>();
    auto& to = r.make<OptText>();
    auto& daily = r.make<bool>(false);
    auto& limit = r.make<OptText>();
    auto& cursor = r.make<OptText>();
    auto* stats = add_verb(r, app, "stats", "15-minute statistics (or --daily), oldest first", [&](Context& c) {
        Query q;
        q.add("charger", charger).add("connector", connector).add("day", day).add("from", from).add("to", to);
        q.add("granularity", OptText(daily ? "day" : "quarter")).add("limit", limit).add("cursor", cursor);
        std::vector<Column> columns{field("DATE", "local_date")};
        if (daily) {
            columns.push_back(field("QUARTERS", "quarters"));
        } else {
            columns.push_back(field("TIME", "local_time"));
        }
        columns.insert(columns.end(),
                       {Column{"WHERE", where}, field("ENERGY WH", "energy_wh"), field("CHARGING S", "charging_s"),
                        field("STARTED", "sessions_started"), field("FINISHED", "sessions_finished")});
        if (!daily) {
            columns.insert(columns.end(),
                           {field("TODAY WH", "energy_today_wh"), field("TODAY CHARGING S", "charging_today_s"),
                            field("TODAY SESSIONS", "sessions_today")});
        }
        columns.insert(columns.end(), {field("PEAK W", "peak_power_w"), field("MAX C", "max_temperature_c"),
                                       field("FAULTS", "faults"), field("AVAILABLE S", "available_s")});
        c.print_list(c.api().get("/api/v1/stats" + q.str()), columns);
    });
    stats->add_option("CHARGER", charger, "only this charger");
    stats->add_option("--connector", connector, "only this connector (0 = the charger as a whole)");
    auto* day_option = stats->add_option("--day", day, "one local date of the site, YYYY-MM-DD");
    stats->add_option("--from", from, "from this local date or (quarters) date-time")->excludes(day_option);
    stats->add_option("--to", to, "to this local date (included) or before this date-time")->excludes(day_option);
    stats->add_flag("--daily", daily, "one row per local day instead of per quarter hour");
    stats->add_option("--limit", limit, "items per page (1-500, default 50)");
    stats->add_option("--cursor", cursor, "the page after this cursor");
}

} // namespace csms::ctl
