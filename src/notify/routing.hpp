#pragma once
// Which routes an alert event takes, when a delivery may leave (quiet
// hours), and how long a failed one waits (back-off). Pure functions of
// their arguments: no database, no clock of their own.
#include "base/clock.hpp"
#include "notify/config.hpp"

#include <optional>
#include <string>

namespace csms::notify {

// What routing needs to know about an alert.
struct AlertFacts {
    std::optional<std::string> rule;
    std::string kind;
    Severity severity = Severity::warning;
    std::optional<std::string> region; // the charger's (csmsctl chargers set --region); nullopt: none recorded
};

// True when the route takes this event ('opened', 'acknowledged',
// 'cleared') of this alert.
bool route_matches(const Route& route, const AlertFacts& alert, std::string_view event);

// When a delivery routed at `now` may be sent: now, or the end of the quiet
// window now falls in. Critical alerts ignore quiet hours.
base::SysTime release_time(const Route& route, Severity severity, base::SysTime now);

// True when `now` falls inside the window.
bool in_quiet_hours(const QuietHours& quiet, base::SysTime now);

// The wait after the n-th failed attempt (n >= 1): retry_min * 2^(n-1),
// capped at retry_max.
std::chrono::milliseconds retry_delay(const DeliveryPolicy& policy, int failed_attempts);

} // namespace csms::notify
