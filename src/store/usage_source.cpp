#include "store/usage_source.hpp"

#include "store/time_column.hpp"

#include <algorithm>
#include <stdexcept>

namespace csms::store::usage {
namespace {

using namespace std::chrono;

std::chrono::local_days parse_local_date(const std::string& text)
{
    auto t = base::parse_date_time(text + "T00:00:00Z");
    if (!t) {
        throw std::invalid_argument("not a date: " + text);
    }
    return local_days{floor<days>(*t).time_since_epoch()};
}

base::TimeZone load_zone(const std::string& name)
{
    if (name == "UTC") {
        return base::TimeZone::utc();
    }
    try {
        return base::TimeZone::load(name);
    } catch (const std::invalid_argument&) {
        return base::TimeZone::utc(); // csmsd computed in it, so it loaded then; a report still beats none
    }
}

} // namespace

std::int64_t Range::lived_s(base::SysTime a, base::SysTime b) const
{
    b = std::min(b, now);
    return b > a ? duration_cast<seconds>(b - a).count() : 0;
}

Source read_source(Database& db, const UsageFilter& f, base::SysTime now)
{
    Source src;
    auto& c = db.cached("SELECT charger_id, region, rated_power_w FROM chargers");
    ResetGuard charger_guard(c);
    while (c.step()) {
        ChargerFacts facts{c.column_optional_text(1), std::nullopt};
        if (!c.column_is_null(2)) {
            facts.rated_power_w = c.column_double(2);
        }
        if (!f.region || base::region_contains(*f.region, facts.region)) {
            src.chargers.emplace(c.column_text(0), std::move(facts));
        }
    }

    // The connectors with rows in the range first (stats_days_by_date holds
    // the key columns), then each one's days by primary key: a range of one
    // connector's rows, where fetching the range's rows through the date
    // index would look every row up (25 times slower on a year of 1000
    // chargers).
    auto& keys = db.cached(R"sql(
        SELECT DISTINCT charger_id, connector_id FROM stats_days WHERE local_date BETWEEN ?1 AND ?2)sql");
    std::vector<std::pair<std::string, int>> kept;
    {
        ResetGuard guard(keys);
        keys.bind(1, f.from_date);
        keys.bind(2, f.to_date);
        while (keys.step()) {
            if (src.chargers.contains(keys.column_text(0))) {
                kept.emplace_back(keys.column_text(0), keys.column_int(1));
            }
        }
    }
    auto& s = db.cached(R"sql(
        SELECT local_date, energy_wh, charging_s, available_s, sessions_started, faults, peak_power_w, time_zone
        FROM stats_days WHERE charger_id = ?1 AND connector_id = ?2 AND local_date BETWEEN ?3 AND ?4)sql");
    std::map<std::string, int> zones; // how many rows each zone was computed in
    for (const auto& [charger_id, connector_id] : kept) {
        auto& set = src.connectors[charger_id];
        if (connector_id > 0) {
            set.insert(connector_id);
        }
        ResetGuard guard(s);
        s.bind(1, charger_id);
        s.bind(2, connector_id);
        s.bind(3, f.from_date);
        s.bind(4, f.to_date);
        while (s.step()) {
            DayRow r;
            r.charger_id = charger_id;
            r.connector_id = connector_id;
            r.local_date = s.column_text(0);
            r.energy_wh = s.column_double(1);
            r.charging_s = s.column_int64(2);
            r.available_s = s.column_int64(3);
            r.sessions_started = s.column_int64(4);
            r.faults = s.column_int64(5);
            if (!s.column_is_null(6)) {
                r.peak_power_w = s.column_double(6);
            }
            ++zones[s.column_text(7)];
            src.days.push_back(std::move(r));
        }
    }

    // The zone of most rows (the first by name on a tie), UTC without rows.
    std::string zone = "UTC";
    int most = 0;
    for (const auto& [name, rows] : zones) {
        if (rows > most) {
            zone = name;
            most = rows;
        }
    }
    src.range.zone = load_zone(zone);
    src.range.now = now;
    auto last = parse_local_date(f.to_date);
    for (auto d = parse_local_date(f.from_date); d <= last; d += days{1}) {
        src.range.dates.push_back(d);
        src.range.starts.push_back(src.range.zone.from_local(d));
    }
    src.range.starts.push_back(src.range.zone.from_local(last + days{1}));
    return src;
}

std::vector<Open> open_intervals(Database& db, const std::string& charger_id, const Range& range)
{
    // Two statements so each seeks its index: stopped sessions by
    // transactions_by_charger (charger, start), open ones by
    // transactions_open (charger, connector) WHERE stop_received_at IS NULL.
    auto& stopped = db.cached(R"sql(
        SELECT start_timestamp, stop_timestamp FROM transactions
        WHERE charger_id = ?1 AND start_timestamp >= ?2 AND start_timestamp < ?3 AND stop_timestamp > ?4)sql");
    auto& open = db.cached(R"sql(
        SELECT start_timestamp FROM transactions WHERE charger_id = ?1 AND stop_received_at IS NULL)sql");
    std::vector<Open> out;
    auto keep = [&](base::SysTime from, base::SysTime to) {
        from = std::max(from, range.begin());
        to = std::min({to, range.end(), range.now});
        if (to > from) {
            out.push_back({from, to});
        }
    };
    {
        ResetGuard guard(stopped);
        stopped.bind(1, charger_id);
        stopped.bind(2, to_column(range.begin() - days{7}));
        stopped.bind(3, to_column(range.end()));
        stopped.bind(4, to_column(range.begin()));
        while (stopped.step()) {
            keep(time_from_column(stopped.column_text(0)), time_from_column(stopped.column_text(1)));
        }
    }
    {
        ResetGuard guard(open);
        open.bind(1, charger_id);
        while (open.step()) {
            keep(time_from_column(open.column_text(0)), range.now);
        }
    }
    return out;
}

std::vector<Level> concurrency(std::vector<Open> intervals)
{
    struct Edge {
        base::SysTime at;
        int delta;
    };
    std::vector<Edge> edges;
    for (const auto& i : intervals) {
        edges.push_back({i.from, +1});
        edges.push_back({i.to, -1});
    }
    // A session stopping when another starts is not open together with it.
    std::sort(edges.begin(), edges.end(),
              [](const Edge& a, const Edge& b) { return a.at != b.at ? a.at < b.at : a.delta < b.delta; });
    std::vector<Level> levels;
    std::int64_t open = 0;
    for (std::size_t i = 0; i < edges.size(); ++i) {
        open += edges[i].delta;
        if (open > 0 && i + 1 < edges.size() && edges[i + 1].at > edges[i].at) {
            levels.push_back({edges[i].at, edges[i + 1].at, open});
        }
    }
    return levels;
}

} // namespace csms::store::usage
