// Per-charger performance over a range, worst first: what maintenance
// planning reads (docs/usage.md).
#include "store/time_column.hpp"
#include "store/usage_source.hpp"
#include "store/usage_view.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace csms::store {
namespace {

// Sessions started in the range: how many stopped, and how many of those
// delivered energy and ended for a reason that is not a fault or a forced stop.
void count_sessions(Database& db, ChargerPerformance& p, const usage::Range& range)
{
    auto& s = db.cached(R"sql(
        SELECT meter_stop_wh - meter_start_wh, stop_reason FROM transactions
        WHERE charger_id = ?1 AND start_timestamp >= ?2 AND start_timestamp < ?3 AND stop_timestamp IS NOT NULL)sql");
    ResetGuard guard(s);
    s.bind(1, p.charger_id);
    s.bind(2, to_column(range.begin()));
    s.bind(3, to_column(range.end()));
    while (s.step()) {
        ++p.finished_sessions;
        if (s.column_int64(0) > 0 && !is_failure_stop_reason(s.column_optional_text(1))) {
            ++p.successful_sessions;
        }
    }
}

std::optional<double> ratio(double part, double whole)
{
    return whole > 0 ? std::optional{part / whole} : std::nullopt;
}

// Worst first: the lowest availability, then the lowest success rate, then
// the lowest average power as a share of rated; an unknown figure sorts
// after every known one, and charger ids break ties.
bool worse(const ChargerPerformance& a, const ChargerPerformance& b)
{
    auto compare = [](const std::optional<double>& x, const std::optional<double>& y) {
        if (x && y) {
            return *x < *y ? -1 : (*x > *y ? 1 : 0);
        }
        return x ? -1 : (y ? 1 : 0);
    };
    for (auto c : {compare(a.availability, b.availability), compare(a.success_rate, b.success_rate),
                   compare(a.average_pct_of_rated, b.average_pct_of_rated)}) {
        if (c != 0) {
            return c < 0;
        }
    }
    return a.charger_id < b.charger_id;
}

} // namespace

bool is_failure_stop_reason(const std::optional<std::string>& reason)
{
    static constexpr std::array<std::string_view, 7> failures{"EmergencyStop", "PowerLoss",     "Reboot", "HardReset",
                                                              "SoftReset",     "UnlockCommand", "Other"};
    return reason && std::find(failures.begin(), failures.end(), *reason) != failures.end();
}

PerformanceReport charger_performance(Database& db, const UsageFilter& f, int limit, base::SysTime now)
{
    auto src = usage::read_source(db, f, now);
    std::map<std::string, ChargerPerformance> by_charger;
    for (const auto& [charger_id, set] : src.connectors) {
        auto& p = by_charger[charger_id];
        p.charger_id = charger_id;
        p.region = src.chargers.at(charger_id).region;
        p.rated_power_w = src.chargers.at(charger_id).rated_power_w;
        p.connectors = static_cast<std::int64_t>(set.size());
    }
    std::map<std::string, std::int64_t> charging_s;
    for (const auto& d : src.days) {
        auto& p = by_charger[d.charger_id];
        p.faults += d.faults; // connector 0's faults are the whole charger's
        if (d.peak_power_w && (!p.peak_power_w || *d.peak_power_w > *p.peak_power_w)) {
            p.peak_power_w = d.peak_power_w;
        }
        if (d.connector_id == 0) {
            continue;
        }
        p.sessions += d.sessions_started;
        p.energy_wh += d.energy_wh;
        p.available_s += d.available_s;
        charging_s[d.charger_id] += d.charging_s;
    }
    auto range_s = static_cast<double>(src.range.lived_s(src.range.begin(), src.range.end()));
    PerformanceReport report{src.range.zone.name(), {}};
    for (auto& [charger_id, p] : by_charger) {
        count_sessions(db, p, src.range);
        p.energy_per_session_wh = ratio(p.energy_wh, static_cast<double>(p.sessions));
        p.average_power_w = ratio(p.energy_wh * 3600, static_cast<double>(charging_s[charger_id]));
        if (p.average_power_w && p.rated_power_w) {
            p.average_pct_of_rated = *p.average_power_w / *p.rated_power_w * 100;
        }
        p.success_rate = ratio(static_cast<double>(p.successful_sessions), static_cast<double>(p.finished_sessions));
        p.availability = ratio(static_cast<double>(p.available_s), static_cast<double>(p.connectors) * range_s);
        report.chargers.push_back(std::move(p));
    }
    std::sort(report.chargers.begin(), report.chargers.end(), worse);
    if (limit >= 0 && report.chargers.size() > static_cast<std::size_t>(limit)) {
        report.chargers.resize(static_cast<std::size_t>(limit));
    }
    return report;
}

} // namespace csms::store
