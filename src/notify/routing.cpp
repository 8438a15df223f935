#include "notify/routing.hpp"

#include <algorithm>

namespace csms::notify {
namespace {

bool listed(const std::vector<std::string>& list, std::string_view value)
{
    return std::find(list.begin(), list.end(), value) != list.end();
}

constexpr std::int64_t minutes_per_day = 24 * 60;

// Minutes after local midnight, and the local midnight itself.
std::pair<std::int64_t, base::SysTime> local_minute(const QuietHours& quiet, base::SysTime now)
{
    using namespace std::chrono;
    auto local = now + quiet.utc_offset;
    auto midnight = floor<days>(local);
    auto minute = duration_cast<minutes>(local - midnight).count();
    return {minute, base::SysTime{duration_cast<milliseconds>(midnight.time_since_epoch() - quiet.utc_offset)}};
}

} // namespace

bool route_matches(const Route& route, const AlertFacts& alert, std::string_view event)
{
    if (!listed(route.events, event) || alert.severity < route.min_severity) {
        return false;
    }
    if (!route.rules.empty() && (!alert.rule || !listed(route.rules, *alert.rule))) {
        return false;
    }
    if (!route.kinds.empty() && !listed(route.kinds, alert.kind)) {
        return false;
    }
    if (!route.regions.empty() && (!alert.region || !listed(route.regions, *alert.region))) {
        return false;
    }
    return true;
}

bool in_quiet_hours(const QuietHours& quiet, base::SysTime now)
{
    auto minute = local_minute(quiet, now).first;
    if (quiet.start_minute < quiet.end_minute) {
        return minute >= quiet.start_minute && minute < quiet.end_minute;
    }
    return minute >= quiet.start_minute || minute < quiet.end_minute; // wraps past midnight
}

base::SysTime release_time(const Route& route, Severity severity, base::SysTime now)
{
    if (!route.quiet_hours || severity == Severity::critical || !in_quiet_hours(*route.quiet_hours, now)) {
        return now;
    }
    const auto& quiet = *route.quiet_hours;
    auto [minute, midnight] = local_minute(quiet, now);
    // The window's end today, or tomorrow when it already passed today.
    std::int64_t end = quiet.end_minute <= minute ? quiet.end_minute + minutes_per_day : quiet.end_minute;
    return midnight + std::chrono::minutes{end};
}

std::chrono::milliseconds retry_delay(const DeliveryPolicy& policy, int failed_attempts)
{
    auto delay = policy.retry_min;
    for (int i = 1; i < failed_attempts && delay < policy.retry_max; ++i) {
        delay *= 2;
    }
    return std::min(delay, policy.retry_max);
}

} // namespace csms::notify
