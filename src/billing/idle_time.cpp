#include "billing/idle_time.hpp"

#include <algorithm>

namespace csms::billing {
namespace {

bool is_idle(const std::string& status)
{
    return status == "SuspendedEV" || status == "Finishing";
}

bool car_gone(const std::string& status)
{
    return status == "Available" || status == "Unavailable" || status == "Faulted" || status == "Reserved";
}

} // namespace

IdleWindow idle_window(const std::vector<ConnectorStatus>& statuses, base::SysTime start, base::SysTime stop,
                       bool stopped_by_unplug)
{
    IdleWindow window;
    bool charged = false;
    for (const auto& s : statuses) {
        if (s.at < start) {
            continue;
        }
        if (s.status == "Charging") {
            if (s.at > stop) {
                window.unplugged = s.at; // the next session is charging
                break;
            }
            charged = true;
            window.charging_ended.reset();
        } else if (is_idle(s.status)) {
            if (charged && !window.charging_ended) {
                window.charging_ended = s.at;
            }
        } else if (car_gone(s.status) || (s.status == "Preparing" && s.at > stop)) {
            window.unplugged = s.at;
            break;
        }
    }
    if (!charged) {
        return {};
    }
    window.charging_ended = std::min(window.charging_ended.value_or(stop), stop);
    if (stopped_by_unplug && (!window.unplugged || *window.unplugged > stop)) {
        window.unplugged = stop;
    }
    if (window.unplugged && *window.unplugged < *window.charging_ended) {
        window.charging_ended = window.unplugged; // it left while charging: no idle time
    }
    return window;
}

} // namespace csms::billing
