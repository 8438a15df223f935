#pragma once
// A charger's region read as a path of places, widest first:
// "Guangdong/Shenzhen/Nanshan/Coastal Park" is province, city, district and
// site. Usage reports group chargers by the first N components and filter
// by a path and everything under it. Components are trimmed of blanks and
// empty ones dropped, so "Guangdong / Shenzhen/" is "Guangdong/Shenzhen".
// Pure functions; no state.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csms::base {

// The four levels a report can group at (the number of components kept).
enum class RegionLevel { province = 1, city = 2, district = 3, site = 4 };

// "province", "city", "district" or "site"; nullopt for anything else.
std::optional<RegionLevel> region_level_from(std::string_view name);

// The path's components, trimmed, without empty ones.
std::vector<std::string> region_components(std::string_view path);

// The components joined with "/"; "" when there are none.
std::string normalized_region(std::string_view path);

// The group a charger falls in at `level`: its first `level` components,
// or its whole path when it has fewer (a charger placed only down to the
// city stays under the city in a district report). A charger without a
// region, or whose region has no component, is in no_region_group.
std::string region_group(const std::optional<std::string>& region, RegionLevel level);
inline constexpr const char* no_region_group = "(none)";

// Whether `region` is `filter` or under it, component by component:
// "A/B" contains "A/B" and "A/B/C" but not "A/BC". An empty filter contains
// every charger, one without a region too.
bool region_contains(std::string_view filter, const std::optional<std::string>& region);

} // namespace csms::base
