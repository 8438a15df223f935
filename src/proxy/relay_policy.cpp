#include "proxy/relay_policy.hpp"

#include "base/region_path.hpp"

#include <algorithm>

namespace csms::proxy {

bool covers(const Partner& partner, std::string_view charger_id, const std::optional<std::string>& region)
{
    if (std::find(partner.chargers.begin(), partner.chargers.end(), charger_id) != partner.chargers.end()) {
        return true;
    }
    // region_contains("", ...) is true for every charger; the file refuses
    // empty region paths, so an empty list here means "by id only".
    return region && std::any_of(partner.regions.begin(), partner.regions.end(),
                                 [&](const std::string& filter) { return base::region_contains(filter, region); });
}

bool needs_region(const Partner& partner)
{
    return !partner.regions.empty();
}

bool forwards(const Partner& partner, std::string_view action)
{
    return partner.forward_all ||
           std::find(partner.forward.begin(), partner.forward.end(), action) != partner.forward.end();
}

bool accepts(const Partner& partner, std::string_view action)
{
    return std::find(partner.accept.begin(), partner.accept.end(), action) != partner.accept.end();
}

bool RateLimiter::allow(const std::string& charger_id, Clock::time_point now)
{
    auto& times = recent_[charger_id];
    while (!times.empty() && now - times.front() >= std::chrono::minutes(1)) {
        times.pop_front();
    }
    if (static_cast<int>(times.size()) >= per_minute_) {
        return false;
    }
    times.push_back(now);
    return true;
}

} // namespace csms::proxy
