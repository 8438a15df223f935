#include "proxy/relay_policy.hpp"

#include "base/region_path.hpp"

#include <algorithm>

namespace csms::proxy {

namespace {

bool lists(const Partner& partner, std::string_view charger_id)
{
    return std::binary_search(partner.chargers.begin(), partner.chargers.end(), charger_id, std::less<>{});
}

} // namespace

bool covers(const Partner& partner, std::string_view charger_id, const std::optional<std::string>& region)
{
    if (lists(partner, charger_id)) {
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

bool may_cover(const Partner& partner, std::string_view charger_id)
{
    return needs_region(partner) || lists(partner, charger_id);
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

const Partner* primary_of(const PartnerSet& partners, std::string_view charger_id)
{
    for (const auto& partner : partners.partners) {
        if (partner.primary && covers(partner, charger_id, std::nullopt)) {
            return &partner;
        }
    }
    return nullptr;
}

bool same_letter(char a, char b)
{
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return lower(a) == lower(b);
}

bool authorizes(const Partner& partner, std::string_view id_tag)
{
    return std::any_of(partner.authorize_tags.begin(), partner.authorize_tags.end(), [&](const std::string& prefix) {
        return id_tag.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), id_tag.begin(),
                                                            [](char x, char y) { return same_letter(x, y); });
    });
}

const Partner* authorizer_of(const PartnerSet& partners, std::string_view id_tag)
{
    for (const auto& partner : partners.partners) {
        if (authorizes(partner, id_tag)) {
            return &partner;
        }
    }
    return nullptr;
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
