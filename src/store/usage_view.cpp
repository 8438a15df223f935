#include "store/usage_view.hpp"

#include "store/time_column.hpp"
#include "store/usage_source.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace csms::store {
namespace {

using namespace std::chrono;
using usage::Source;

std::string date_text(local_days d)
{
    year_month_day ymd{d};
    char out[16];
    std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return out;
}

// ISO 8601: weeks start on Monday and belong to the year of their Thursday.
std::string iso_week(local_days d)
{
    auto monday = d - days{(weekday{d}.c_encoding() + 6) % 7};
    auto thursday = monday + days{3};
    year_month_day ymd{thursday};
    auto week = (thursday - local_days{ymd.year() / January / 1}).count() / 7 + 1;
    char out[16];
    std::snprintf(out, sizeof out, "%04d-W%02d", static_cast<int>(ymd.year()), static_cast<int>(week));
    return out;
}

std::int64_t connector_count(const Source& src, const std::string& charger_id)
{
    auto it = src.connectors.find(charger_id);
    return it == src.connectors.end() ? 0 : static_cast<std::int64_t>(it->second.size());
}

base::SysTime next_quarter(base::SysTime t)
{
    auto minute = floor<minutes>(t);
    return minute - minute.time_since_epoch() % 15min + 15min;
}

// Time buckets: how an instant maps to one, walked a quarter hour at a time
// (a local quarter starts at a UTC quarter in every zone in use today).
template <class BucketOf>
void peaks_by_time(Database& db, const Source& src, std::vector<UsageRow>& rows, BucketOf bucket_of)
{
    std::vector<usage::Open> all;
    for (const auto& [charger_id, set] : src.connectors) {
        auto open = usage::open_intervals(db, charger_id, src.range);
        all.insert(all.end(), open.begin(), open.end());
    }
    for (const auto& level : usage::concurrency(std::move(all))) {
        for (auto t = level.from; t < level.to; t = next_quarter(t)) {
            auto& peak = rows[bucket_of(t)].peak_concurrent;
            peak = std::max(peak, level.open);
        }
    }
}

void finish(std::vector<UsageRow>& rows)
{
    for (auto& r : rows) {
        auto capacity = r.connectors * r.bucket_s;
        r.utilisation = capacity > 0 ? static_cast<double>(r.charging_s) / static_cast<double>(capacity) : 0.0;
    }
}

std::int64_t all_connectors(const Source& src)
{
    std::int64_t n = 0;
    for (const auto& [charger_id, set] : src.connectors) {
        n += static_cast<std::int64_t>(set.size());
    }
    return n;
}

std::vector<UsageRow> by_hour(Database& db, const UsageFilter& f, const Source& src)
{
    std::vector<UsageRow> rows(24);
    auto connectors = all_connectors(src);
    for (int h = 0; h < 24; ++h) {
        char name[4];
        std::snprintf(name, sizeof name, "%02d", h);
        rows[static_cast<std::size_t>(h)].bucket = name;
        rows[static_cast<std::size_t>(h)].connectors = connectors;
        for (auto d : src.range.dates) {
            rows[static_cast<std::size_t>(h)].bucket_s +=
                src.range.lived_s(src.range.zone.from_local(d + hours{h}), src.range.zone.from_local(d + hours{h + 1}));
        }
    }
    // Connector by connector through the primary key, as the days are read
    // (usage_source.cpp). The local date picks the quarters; the UTC bounds,
    // a day wider than any zone's offset, make the key range.
    auto& s = db.cached(R"sql(
        SELECT CAST(substr(local_time, 1, 2) AS INTEGER), sum(energy_wh), sum(charging_s), sum(sessions_started)
        FROM stats_quarters
        WHERE charger_id = ?1 AND connector_id = ?2 AND quarter_start >= ?3 AND quarter_start < ?4
          AND local_date BETWEEN ?5 AND ?6
        GROUP BY 1)sql");
    for (const auto& [charger_id, ids] : src.connectors) {
        for (int connector_id : ids) {
            ResetGuard guard(s);
            s.bind(1, charger_id);
            s.bind(2, connector_id);
            s.bind(3, to_column(src.range.begin() - days{1}));
            s.bind(4, to_column(src.range.end() + days{1}));
            s.bind(5, f.from_date);
            s.bind(6, f.to_date);
            while (s.step()) {
                auto hour = s.column_int(0);
                if (hour < 0 || hour > 23) {
                    continue;
                }
                auto& r = rows[static_cast<std::size_t>(hour)];
                r.energy_wh += s.column_double(1);
                r.charging_s += s.column_int64(2);
                r.sessions += s.column_int64(3);
            }
        }
    }
    const auto& zone = src.range.zone;
    peaks_by_time(db, src, rows, [&zone](base::SysTime t) {
        auto local = zone.to_local(t);
        return static_cast<std::size_t>(duration_cast<hours>(local - floor<days>(local)).count());
    });
    return rows;
}

// Days and weeks: each date of the range goes to one bucket.
std::vector<UsageRow> by_dates(Database& db, const Source& src, bool weeks)
{
    std::vector<UsageRow> rows;
    std::vector<std::size_t> row_of_date;
    std::map<std::string, std::size_t> row_of_name;
    auto connectors = all_connectors(src);
    for (std::size_t i = 0; i < src.range.dates.size(); ++i) {
        auto name = weeks ? iso_week(src.range.dates[i]) : date_text(src.range.dates[i]);
        auto [it, added] = row_of_name.emplace(name, rows.size());
        if (added) {
            rows.emplace_back();
            rows.back().bucket = name;
            rows.back().connectors = connectors;
        }
        row_of_date.push_back(it->second);
        rows[it->second].bucket_s += src.range.lived_s(src.range.starts[i], src.range.starts[i + 1]);
    }
    std::map<std::string, std::size_t> row_of_local_date;
    for (std::size_t i = 0; i < src.range.dates.size(); ++i) {
        row_of_local_date[date_text(src.range.dates[i])] = row_of_date[i];
    }
    for (const auto& d : src.days) {
        auto it = row_of_local_date.find(d.local_date);
        if (d.connector_id == 0 || it == row_of_local_date.end()) {
            continue;
        }
        auto& r = rows[it->second];
        r.energy_wh += d.energy_wh;
        r.charging_s += d.charging_s;
        r.sessions += d.sessions_started;
    }
    const auto& range = src.range;
    peaks_by_time(db, src, rows, [&range, &row_of_date](base::SysTime t) {
        auto i = std::upper_bound(range.starts.begin(), range.starts.end(), t) - range.starts.begin() - 1;
        return row_of_date[static_cast<std::size_t>(std::clamp<std::ptrdiff_t>(i, 0, std::ssize(row_of_date) - 1))];
    });
    return rows;
}

std::vector<UsageRow> by_region(Database& db, const UsageFilter& f, const Source& src)
{
    std::map<std::string, UsageRow> groups;
    std::map<std::string, std::vector<usage::Open>> open;
    auto range_s = src.range.lived_s(src.range.begin(), src.range.end());
    for (const auto& [charger_id, set] : src.connectors) {
        auto name = base::region_group(src.chargers.at(charger_id).region, f.level);
        auto& g = groups[name];
        g.bucket = name;
        g.bucket_s = range_s;
        g.connectors += connector_count(src, charger_id);
        auto intervals = usage::open_intervals(db, charger_id, src.range);
        auto& all = open[name];
        all.insert(all.end(), intervals.begin(), intervals.end());
    }
    for (const auto& d : src.days) {
        if (d.connector_id == 0) {
            continue;
        }
        auto& g = groups[base::region_group(src.chargers.at(d.charger_id).region, f.level)];
        g.energy_wh += d.energy_wh;
        g.charging_s += d.charging_s;
        g.sessions += d.sessions_started;
    }
    std::vector<UsageRow> rows;
    for (auto& [name, g] : groups) {
        for (const auto& level : usage::concurrency(std::move(open[name]))) {
            g.peak_concurrent = std::max(g.peak_concurrent, level.open);
        }
        rows.push_back(std::move(g));
    }
    // The busiest places first, as a planner reads them.
    std::stable_sort(rows.begin(), rows.end(),
                     [](const UsageRow& a, const UsageRow& b) { return a.energy_wh > b.energy_wh; });
    return rows;
}

} // namespace

UsageReport usage_load(Database& db, const UsageFilter& f, UsageBucket by, base::SysTime now)
{
    auto src = usage::read_source(db, f, now);
    UsageReport report{src.range.zone.name(), {}};
    switch (by) {
    case UsageBucket::hour:
        report.rows = by_hour(db, f, src);
        break;
    case UsageBucket::day:
        report.rows = by_dates(db, src, false);
        break;
    case UsageBucket::week:
        report.rows = by_dates(db, src, true);
        break;
    case UsageBucket::region:
        report.rows = by_region(db, f, src);
        break;
    }
    finish(report.rows);
    return report;
}

} // namespace csms::store
