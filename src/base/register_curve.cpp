#include "base/register_curve.hpp"

#include <algorithm>
#include <cmath>

namespace csms::base {

RegisterCurve::RegisterCurve(const std::vector<RegisterReading>& readings)
{
    points_.reserve(readings.size());
    std::int64_t delivered = 0;
    std::int64_t previous = 0;
    for (const auto& r : readings) {
        auto wh = static_cast<std::int64_t>(std::llround(r.wh));
        if (!points_.empty() && wh > previous) {
            delivered += wh - previous;
        }
        previous = wh;
        points_.push_back({r.at, delivered});
    }
}

std::int64_t RegisterCurve::delivered_until(SysTime t) const
{
    // The first reading at or after t. A rise between readings at t itself
    // is not delivered until t yet: it belongs to [t, ...).
    auto next =
        std::lower_bound(points_.begin(), points_.end(), t, [](const Point& p, SysTime at) { return p.at < at; });
    if (next == points_.begin()) {
        return 0;
    }
    if (next == points_.end()) {
        return points_.back().delivered;
    }
    if (next->at == t) {
        return next->delivered;
    }
    auto before = std::prev(next);
    // Integer interpolation, rounded down; 128 bits because a rise in Wh
    // times the milliseconds between two readings days apart can pass 2^63.
    __extension__ using Wide = __int128;
    auto span = static_cast<Wide>((next->at - before->at).count());
    auto into = static_cast<Wide>((t - before->at).count());
    auto rise = static_cast<Wide>(next->delivered - before->delivered);
    return before->delivered + static_cast<std::int64_t>(rise * into / span);
}

} // namespace csms::base
