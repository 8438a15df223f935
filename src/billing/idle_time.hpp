#pragma once
// When a session's car stopped drawing and when it left, read from the
// connector's StatusNotifications at the charger's own timestamps, for the
// idle fee. The rules, as docs/billing.md states them:
// - Idle time starts when the connector last leaves Charging for
//   SuspendedEV or Finishing (the car is full, or the session was stopped,
//   and the car is still plugged in), and at the stop at the latest: after
//   its StopTransaction nothing charges, whether or not a Finishing has
//   arrived yet. Charging again forgives the idle time before it.
// - A suspension by the charger itself (SuspendedEVSE) does not start it.
// - It ends when the car leaves: the connector is Available, Unavailable,
//   Faulted or Reserved, or after the stop Preparing (a new customer) or
//   Charging (the next session); a stop with reason EVDisconnected is the
//   departure itself.
// - A session that never reported Charging has no idle time: the customer
//   cannot be charged for a car that never drew.
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
    std::optional<base::SysTime> charging_ended; // set for a session that charged
    std::optional<base::SysTime> unplugged;      // set once the departure is known
};

// statuses: the connector's, from the session's start on, in time order.
// stopped_by_unplug: the StopTransaction's reason was EVDisconnected.
IdleWindow idle_window(const std::vector<ConnectorStatus>& statuses, base::SysTime start, base::SysTime stop,
                       bool stopped_by_unplug);

} // namespace csms::billing
