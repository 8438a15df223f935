#include "store/stats_view.hpp"

#include <charconv>
#include <stdexcept>

namespace csms::store {
namespace {

// A cursor is "<quarter start or local date>/<connector>/<charger id>": the
// charger id last, so it may hold any character.
struct Cursor {
    std::string key;
    int connector_id = 0;
    std::string charger_id;
};

Cursor parse_cursor(const std::string& text)
{
    auto first = text.find('/');
    auto second = first == std::string::npos ? std::string::npos : text.find('/', first + 1);
    Cursor c;
    if (second == std::string::npos) {
        throw std::invalid_argument("not a statistics cursor");
    }
    auto digits = std::string_view(text).substr(first + 1, second - first - 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), c.connector_id);
    if (ec != std::errc{} || end != digits.data() + digits.size() || first == 0) {
        throw std::invalid_argument("not a statistics cursor");
    }
    c.key = text.substr(0, first);
    c.charger_id = text.substr(second + 1);
    return c;
}

// One statement per granularity; absent filters are bound NULL and match all.
// A quarter carries the running totals of its local day up to itself.
constexpr const char* quarters_sql = R"sql(
    SELECT q.charger_id, q.connector_id, q.local_date, q.time_zone, q.quarter_start, q.local_time, NULL,
           q.energy_wh, q.charging_s, q.available_s, q.sessions_started, q.sessions_finished, q.faults,
           q.peak_power_w, q.max_temperature_c,
           (SELECT sum(d.energy_wh) FROM stats_quarters d WHERE d.charger_id = q.charger_id
              AND d.connector_id = q.connector_id AND d.local_date = q.local_date
              AND d.quarter_start <= q.quarter_start),
           (SELECT sum(d.charging_s) FROM stats_quarters d WHERE d.charger_id = q.charger_id
              AND d.connector_id = q.connector_id AND d.local_date = q.local_date
              AND d.quarter_start <= q.quarter_start),
           (SELECT sum(d.sessions_started) FROM stats_quarters d WHERE d.charger_id = q.charger_id
              AND d.connector_id = q.connector_id AND d.local_date = q.local_date
              AND d.quarter_start <= q.quarter_start)
    FROM stats_quarters q
    WHERE (?1 IS NULL OR q.charger_id = ?1) AND (?2 IS NULL OR q.connector_id = ?2)
      AND (?3 IS NULL OR q.local_date >= ?3) AND (?4 IS NULL OR q.local_date <= ?4)
      AND (?5 IS NULL OR q.quarter_start >= ?5) AND (?6 IS NULL OR q.quarter_start < ?6)
      AND (?8 IS NULL OR (q.quarter_start, q.connector_id, q.charger_id) > (?8, ?9, ?10))
    ORDER BY q.quarter_start, q.connector_id, q.charger_id LIMIT ?7)sql";

constexpr const char* days_sql = R"sql(
    SELECT charger_id, connector_id, local_date, time_zone, NULL, NULL, quarters,
           energy_wh, charging_s, available_s, sessions_started, sessions_finished, faults,
           peak_power_w, max_temperature_c, NULL, NULL, NULL
    FROM stats_days
    WHERE (?1 IS NULL OR charger_id = ?1) AND (?2 IS NULL OR connector_id = ?2)
      AND (?3 IS NULL OR local_date >= ?3) AND (?4 IS NULL OR local_date <= ?4)
      AND (?8 IS NULL OR (local_date, connector_id, charger_id) > (?8, ?9, ?10))
    ORDER BY local_date, connector_id, charger_id LIMIT ?7)sql";

std::optional<double> optional_double(Statement& s, int column)
{
    return s.column_is_null(column) ? std::nullopt : std::optional{s.column_double(column)};
}

} // namespace

std::vector<StatsRow> list_stats(Database& db, const StatsFilter& f)
{
    bool quarters = f.granularity == StatsGranularity::quarter;
    auto& s = db.cached(quarters ? quarters_sql : days_sql);
    ResetGuard guard(s);
    s.bind(1, f.charger_id);
    if (f.connector_id) {
        s.bind(2, *f.connector_id);
    }
    s.bind(3, f.from_date);
    s.bind(4, f.to_date);
    if (quarters) { // a day has no instants to cut at
        s.bind(5, f.from_time);
        s.bind(6, f.to_time);
    }
    s.bind(7, f.limit);
    if (f.after) {
        auto c = parse_cursor(*f.after);
        s.bind(8, c.key);
        s.bind(9, c.connector_id);
        s.bind(10, c.charger_id);
    }
    std::vector<StatsRow> rows;
    while (s.step()) {
        StatsRow r;
        r.charger_id = s.column_text(0);
        r.connector_id = s.column_int(1);
        r.local_date = s.column_text(2);
        r.time_zone = s.column_text(3);
        r.quarter_start = s.column_optional_text(4);
        r.local_time = s.column_optional_text(5);
        r.quarters = s.column_optional_int64(6);
        r.energy_wh = s.column_double(7);
        r.charging_s = s.column_int64(8);
        r.available_s = s.column_int64(9);
        r.sessions_started = s.column_int64(10);
        r.sessions_finished = s.column_int64(11);
        r.faults = s.column_int64(12);
        r.peak_power_w = optional_double(s, 13);
        r.max_temperature_c = optional_double(s, 14);
        r.energy_today_wh = optional_double(s, 15);
        r.charging_today_s = s.column_optional_int64(16);
        r.sessions_today = s.column_optional_int64(17);
        rows.push_back(std::move(r));
    }
    return rows;
}

std::string stats_cursor_after(const StatsRow& row)
{
    return row.quarter_start.value_or(row.local_date) + "/" + std::to_string(row.connector_id) + "/" + row.charger_id;
}

} // namespace csms::store
