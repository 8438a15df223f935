#include "stats/figures.hpp"

#include <algorithm>

namespace csms::stats {

double energy_between(const std::vector<RegisterPoint>& points, base::SysTime start, base::SysTime end)
{
    double wh = 0;
    for (std::size_t i = 1; i < points.size(); ++i) {
        const auto& a = points[i - 1];
        const auto& b = points[i];
        if (b.at <= a.at || b.wh <= a.wh) {
            continue;
        }
        auto from = std::max(a.at, start);
        auto to = std::min(b.at, end);
        if (to <= from) {
            continue;
        }
        double share = static_cast<double>((to - from).count()) / static_cast<double>((b.at - a.at).count());
        wh += (b.wh - a.wh) * share;
    }
    return wh;
}

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
