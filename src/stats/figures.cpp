#include "stats/figures.hpp"

#include <algorithm>

namespace csms::stats {

StatusFigures status_figures(const std::optional<std::string>& initial, const std::vector<StatusChange>& changes,
                             base::SysTime start, base::SysTime end)
{
    StatusFigures out;
    std::optional<std::string> status = initial;
    auto since = start;
    auto close = [&](base::SysTime until) {
        until = std::min(until, end);
        if (!status || until <= since) {
            return;
        }
        auto ms = (until - since).count();
        if (*status == "Charging") {
            out.charging_ms += ms;
        }
        if (*status != "Faulted" && *status != "Unavailable") {
            out.available_ms += ms;
        }
    };
    for (const auto& change : changes) {
        auto at = std::clamp(change.at, start, end);
        close(at);
        if (change.status == "Faulted" && status != "Faulted") {
            ++out.faults;
        }
        status = change.status;
        since = std::max(since, at);
    }
    close(end);
    return out;
}

} // namespace csms::stats
