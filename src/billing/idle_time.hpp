#pragma once
// When a session's car stopped drawing and when it left, read from the
// connector's StatusNotifications, for the idle fee. Idle time starts when
// the connector leaves Charging for SuspendedEV or Finishing (the car is
// full, or the session was stopped, and the car is still plugged in) and
// ends when the connector is Available, Unavailable, Faulted or Reserved,
// or a new session starts charging. A suspension by the charger itself
// (SuspendedEVSE) is not the customer's idle time and does not start it.
// A session that never reported Charging has no idle time: the customer
// cannot be charged for a car that never drew.
#include "base/clock.hpp"

#include <optional>
#include <string>
#include <vector>

namespace csms::billing {

struct ConnectorStatus {
    base::SysTime at;
    std::string status;
};

struct IdleWindow {
    std::optional<base::SysTime> charging_ended;
    std::optional<base::SysTime> unplugged;
};

// statuses: the connector's, from the session's start on, in time order.
// stopped_by_unplug: the StopTransaction's reason was EVDisconnected, so
// the stop itself is when the car left if no status says otherwise.
IdleWindow idle_window(const std::vector<ConnectorStatus>& statuses, base::SysTime start, base::SysTime stop,
                       bool stopped_by_unplug);

} // namespace csms::billing
