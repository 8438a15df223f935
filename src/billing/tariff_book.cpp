#include "billing/tariff_book.hpp"

#include "base/region_path.hpp"

#include <algorithm>
#include <cctype>

namespace csms::billing {
namespace {

// Id tags are OCPP CiString20: "fleet-a" is the group "FLEET-A".
bool same_tag(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
           });
}

bool applies(const TariffAssignment& a, const SessionPlace& place)
{
    switch (a.scope) {
    case AssignmentScope::tag_group:
        return place.tag_group && same_tag(*place.tag_group, a.value);
    case AssignmentScope::charger:
        return place.charger_id == a.value;
    case AssignmentScope::region:
        return place.region && base::region_contains(a.value, place.region);
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
