#include "store/sample_view.hpp"

#include "store/sample_value.hpp"

#include <algorithm>
#include <limits>
#include <string>

namespace csms::store {
namespace {

std::optional<std::int64_t> find_connector(Database& db, const std::string& charger_id, int connector_id)
{
    auto& s = db.cached("SELECT id FROM sample_connectors WHERE charger_id = ?1 AND connector_id = ?2");
    ResetGuard guard(s);
    s.bind(1, charger_id);
    s.bind(2, connector_id);
    if (!s.step()) {
        return std::nullopt;
    }
    return s.column_int64(0);
}

// The kinds the range asks for, with a number (a unit this server converts).
struct Kind {
    std::int64_t id = 0;
    SampleSeries series;
};

std::vector<Kind> matching_kinds(Database& db, const SampleRange& range)
{
    auto& s = db.cached("SELECT id, measurand, phase, location, unit FROM sample_kinds "
                        "WHERE (?1 IS NULL OR measurand = ?1) AND (?2 IS NULL OR phase = ?2) "
                        "AND unit_rule IS NOT NULL ORDER BY id");
    ResetGuard guard(s);
    s.bind(1, range.measurand);
    s.bind(2, range.phase);
    std::vector<Kind> out;
    while (s.step()) {
        out.push_back(Kind{s.column_int64(0), SampleSeries{s.column_text(1), s.column_text(2), s.column_text(3),
                                                           base_unit(s.column_text(4))}});
    }
    return out;
}

// The key range of one connector between two instants, in key order, so
// SQLite walks the table's B-tree from the first instant and stops at the
// last without a sort. Every row of the range is stepped over (a year of
// six readings a minute is 3.15 million), so the test per row is what
// costs: the kind first, compared with the few kinds asked for as bound
// integers (one or two become plain comparisons in SQLite, a sixth less
// time than probing the subquery's in-memory index), then the value.
// Without a measurand or phase every kind is wanted and only the value is
// tested.
constexpr std::size_t max_listed_kinds = 8;

std::string select_sql(std::size_t listed_kinds, bool every_kind)
{
    std::string sql = "SELECT s.time, s.value, s.kind FROM samples s "
                      "WHERE s.connector = ?1 AND s.time >= ?2 AND s.time < ?3 ";
    if (every_kind) {
        // nothing to test but the value
    } else if (listed_kinds == 0) {
        sql += "AND s.kind IN (SELECT id FROM sample_kinds WHERE (?5 IS NULL OR measurand = ?5) "
               "AND (?6 IS NULL OR phase = ?6) AND unit_rule IS NOT NULL) ";
    } else {
        sql += "AND s.kind IN (";
        for (std::size_t i = 0; i < listed_kinds; ++i) {
            sql.append(i == 0 ? "?" : ", ?").append(std::to_string(5 + i));
        }
        sql += ") ";
    }
    return sql + "AND s.value IS NOT NULL ORDER BY s.time, s.message, s.position LIMIT ?4";
}

} // namespace

std::string base_unit(const std::string& unit)
{
    if (unit == "Fahrenheit" || unit == "K" || unit == "Celcius") {
        return "Celsius";
    }
    if (unit_rule(unit) == UnitRule::kilo) {
        return unit.substr(1); // kWh -> Wh, kvar -> var
    }
    return unit;
}

SampleChart connector_samples(Database& db, const SampleRange& range)
{
    SampleChart chart;
    const auto connector = find_connector(db, range.charger_id, range.connector_id);
    if (!connector || range.limit <= 0) {
        return chart;
    }
    const auto kinds = matching_kinds(db, range);
    if (kinds.empty()) {
        return chart;
    }
    // kind id -> series index, -1 until the kind's first point, -2 for a
    // kind not asked for. Kind ids are small: the dictionary is shared by
    // every charger and holds a row per distinct reading description.
    std::vector<int> series_of(static_cast<std::size_t>(kinds.back().id) + 1, -2);
    for (const auto& k : kinds) {
        series_of[static_cast<std::size_t>(k.id)] = -1;
    }
    auto series_index = [&](std::int64_t kind) {
        int& slot = series_of[static_cast<std::size_t>(kind)];
        if (slot == -1) {
            const auto& wanted =
                std::find_if(kinds.begin(), kinds.end(), [&](const Kind& k) { return k.id == kind; })->series;
            for (std::size_t i = 0; i < chart.series.size(); ++i) {
                const auto& s = chart.series[i];
                if (s.measurand == wanted.measurand && s.phase == wanted.phase && s.location == wanted.location &&
                    s.unit == wanted.unit) {
                    slot = static_cast<int>(i);
                    return slot;
                }
            }
            chart.series.push_back(wanted);
            slot = static_cast<int>(chart.series.size()) - 1;
        }
        return slot;
    };

    const bool every_kind = !range.measurand && !range.phase;
    const std::size_t listed = kinds.size() <= max_listed_kinds ? kinds.size() : 0;
    auto& s = db.cached(select_sql(listed, every_kind));
    ResetGuard guard(s);
    s.bind(1, *connector);
    s.bind(2, range.from_ms.value_or(std::numeric_limits<std::int64_t>::min()));
    s.bind(3, range.to_ms.value_or(std::numeric_limits<std::int64_t>::max()));
    s.bind(4, static_cast<std::int64_t>(range.limit) + 1); // one more says whether there are more
    if (!every_kind && listed == 0) {
        s.bind(5, range.measurand);
        s.bind(6, range.phase);
    } else if (!every_kind) {
        for (std::size_t i = 0; i < listed; ++i) {
            s.bind(static_cast<int>(5 + i), kinds[i].id);
        }
    }
    while (s.step()) {
        if (chart.points.size() == static_cast<std::size_t>(range.limit)) {
            chart.truncated = true;
            break;
        }
        const auto kind = s.column_int64(2);
        if (kind < 0 || kind >= static_cast<std::int64_t>(series_of.size()) ||
            series_of[static_cast<std::size_t>(kind)] == -2) {
            continue; // a unit without a conversion: its number is not in a base unit
        }
        chart.points.push_back(SamplePoint{s.column_int64(0), s.column_double(1), series_index(kind)});
    }
    return chart;
}

} // namespace csms::store
