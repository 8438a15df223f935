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

std::string pick_zone(Database& db, const UsageFilter& f)
{
    auto& s = db.cached(R"sql(
        SELECT time_zone FROM stats_days WHERE local_date BETWEEN ?1 AND ?2
        GROUP BY time_zone ORDER BY count(*) DESC, time_zone LIMIT 1)sql");
    ResetGuard guard(s);
    s.bind(1, f.from_date);
    s.bind(2, f.to_date);
    return s.step() ? s.column_text(0) : "UTC";
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
    src.range.zone = load_zone(pick_zone(db, f));
    src.range.now = now;
    auto last = parse_local_date(f.to_date);
    for (auto d = parse_local_date(f.from_date); d <= last; d += days{1}) {
        src.range.dates.push_back(d);
        src.range.starts.push_back(src.range.zone.from_local(d));
    }
    src.range.starts.push_back(src.range.zone.from_local(last + days{1}));

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

    auto& s = db.cached(R"sql(
        SELECT charger_id, connector_id, local_date, energy_wh, charging_s, available_s, sessions_started, faults,
               peak_power_w
        FROM stats_days WHERE local_date BETWEEN ?1 AND ?2)sql");
    ResetGuard guard(s);
    s.bind(1, f.from_date);
    s.bind(2, f.to_date);
    while (s.step()) {
        DayRow r;
        r.charger_id = s.column_text(0);
        if (!src.chargers.contains(r.charger_id)) {
            continue;
        }
        r.connector_id = s.column_int(1);
        r.local_date = s.column_text(2);
        r.energy_wh = s.column_double(3);
        r.charging_s = s.column_int64(4);
        r.available_s = s.column_int64(5);
        r.sessions_started = s.column_int64(6);
        r.faults = s.column_int64(7);
        if (!s.column_is_null(8)) {
            r.peak_power_w = s.column_double(8);
        }
        auto& set = src.connectors[r.charger_id];
        if (r.connector_id > 0) {
            set.insert(r.connector_id);
        }
        src.days.push_back(std::move(r));
    }
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
