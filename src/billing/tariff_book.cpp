#include "billing/tariff_book.hpp"

namespace csms::billing {
namespace {

// A region path "A/B" covers the place "A/B" and everything under it
// ("A/B/C"), not "A/BC".
bool covers(std::string_view path, std::string_view region)
{
    return region.size() >= path.size() && region.compare(0, path.size(), path) == 0 &&
           (region.size() == path.size() || region[path.size()] == '/');
}

bool applies(const TariffAssignment& a, const SessionPlace& place)
{
    switch (a.scope) {
    case AssignmentScope::tag_group:
        return place.tag_group && *place.tag_group == a.value;
    case AssignmentScope::charger:
        return place.charger_id == a.value;
    case AssignmentScope::region:
        return place.region && covers(a.value, *place.region);
    case AssignmentScope::everywhere:
        return true;
    }
    return false;
}

// Within one scope: the longer region path, then the later date; an
// assignment written later in the file breaks a tie.
bool at_least_as_good(const TariffAssignment& a, const TariffAssignment& current)
{
    if (a.value.size() != current.value.size() && a.scope == AssignmentScope::region) {
        return a.value.size() > current.value.size();
    }
    return a.effective_from >= current.effective_from;
}

} // namespace

TariffChoice TariffBook::choose(const SessionPlace& place, base::SysTime session_start) const
{
    // Indexed by AssignmentScope, which is declared from the most specific on.
    const TariffAssignment* best[4] = {};
    for (const auto& a : assignments) {
        if (a.effective_from > session_start || !applies(a, place)) {
            continue;
        }
        auto& current = best[static_cast<std::size_t>(a.scope)];
        if (current == nullptr || at_least_as_good(a, *current)) {
            current = &a;
        }
    }
    for (const auto* a : best) {
        if (a != nullptr) {
            auto it = tariffs.find(a->tariff);
            return TariffChoice{it == tariffs.end() ? nullptr : &it->second, a};
        }
    }
    return TariffChoice{};
}

} // namespace csms::billing
