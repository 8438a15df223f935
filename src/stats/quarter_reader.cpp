#include "stats/quarter_reader.hpp"

#include "base/register_curve.hpp"
#include "stats/figures.hpp"
#include "store/quarter_source.hpp"
#include "store/time_column.hpp"

#include <chrono>
#include <cmath>

namespace csms::stats {
namespace {

// A session whose start lies further back is not looked at (docs/statistics.md).
constexpr std::chrono::days longest_session{7};

// The energy the connector's sessions delivered inside [start, end): each
// session's meterStart, register samples and meterStop make its curve
// (base/register_curve.hpp), so a session's quarters add up to
// meterStop - meterStart, the energy its transaction and its bill show.
// A register rising outside any session is not a session's energy.
std::int64_t session_energy(store::Database& db, const store::QuarterKey& k, base::SysTime start, base::SysTime end)
{
    const auto quarter_start = store::time_from_column(std::string(k.start));
    const auto quarter_end = store::time_from_column(std::string(k.end));
    std::int64_t wh = 0;
    for (const auto& session : store::quarter_sessions(db, k, store::to_column(start - longest_session))) {
        std::vector<base::RegisterReading> readings{{store::time_from_column(session.start), session.meter_start_wh}};
        for (const auto& reading :
             store::session_register_samples(db, k, store::time_from_column(session.start),
                                             store::time_from_column(session.stop), quarter_start, quarter_end)) {
            readings.push_back(reading);
        }
        if (session.meter_stop_wh) {
            readings.push_back({store::time_from_column(session.stop), *session.meter_stop_wh});
        }
        wh += base::RegisterCurve(readings).delivered_between(start, end);
    }
    return wh;
}

std::optional<double> max_sample(store::Database& db, const store::QuarterKey& k, const char* measurand,
                                 bool total_only)
{
    return store::max_sample_value(db, k, measurand, total_only, store::time_from_column(std::string(k.start)),
                                   store::time_from_column(std::string(k.end)));
}

StatusFigures statuses(store::Database& db, const store::QuarterKey& k, base::SysTime start, base::SysTime end)
{
    auto initial = store::status_at_start(db, k);
    std::vector<StatusChange> changes;
    for (auto& change : store::status_changes(db, k)) {
        changes.push_back({store::time_from_column(change.at), std::move(change.status)});
    }
    return status_figures(initial, changes, start, end);
}

std::int64_t whole_seconds(std::int64_t ms)
{
    return (ms + 500) / 1000;
}

} // namespace

store::QuarterStats read_quarter(store::Database& db, const base::TimeZone& zone, const std::string& charger_id,
                                 int connector_id, const Quarter& quarter, base::SysTime now)
{
    const auto quarter_start = store::to_column(quarter.start);
    const auto quarter_end = store::to_column(quarter.end);
    const store::QuarterKey k{charger_id, connector_id, quarter_start, quarter_end};
    store::QuarterStats out;
    out.charger_id = charger_id;
    out.connector_id = connector_id;
    out.quarter_start = quarter.start;
    out.local_date = quarter.local_date;
    out.local_time = quarter.local_time;
    out.time_zone = zone.name();
    out.energy_wh = static_cast<double>(session_energy(db, k, quarter.start, quarter.end));
    auto lived_until = std::clamp(now, quarter.start, quarter.end);
    auto figures = statuses(db, k, quarter.start, lived_until);
    out.charging_s = whole_seconds(figures.charging_ms);
    out.available_s = whole_seconds(figures.available_ms);
    out.faults = figures.faults;
    out.sessions_started = store::sessions_started_in(db, k);
    out.sessions_finished = store::sessions_stopped_in(db, k);
    out.peak_power_w = max_sample(db, k, "Power.Active.Import", true);
    out.max_temperature_c = max_sample(db, k, "Temperature", false);
    return out;
}

} // namespace csms::stats
