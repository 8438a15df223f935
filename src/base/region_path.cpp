#include "base/region_path.hpp"

namespace csms::base {
namespace {

std::string_view trim(std::string_view s)
{
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && blank(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && blank(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

std::string join(const std::vector<std::string>& parts, std::size_t count)
{
    std::string out;
    for (std::size_t i = 0; i < count && i < parts.size(); ++i) {
        if (i > 0) {
            out += '/';
        }
        out += parts[i];
    }
    return out;
}

} // namespace

std::optional<RegionLevel> region_level_from(std::string_view name)
{
    if (name == "province") {
        return RegionLevel::province;
    }
    if (name == "city") {
        return RegionLevel::city;
    }
    if (name == "district") {
        return RegionLevel::district;
    }
    if (name == "site") {
        return RegionLevel::site;
    }
    return std::nullopt;
}

std::vector<std::string> region_components(std::string_view path)
{
    std::vector<std::string> parts;
    while (true) {
        auto slash = path.find('/');
        auto part = trim(path.substr(0, slash));
        if (!part.empty()) {
            parts.emplace_back(part);
        }
        if (slash == std::string_view::npos) {
            return parts;
        }
        path.remove_prefix(slash + 1);
    }
}

std::string normalized_region(std::string_view path)
{
    auto parts = region_components(path);
    return join(parts, parts.size());
}

std::string region_group(const std::optional<std::string>& region, RegionLevel level)
{
    auto parts = region ? region_components(*region) : std::vector<std::string>{};
    if (parts.empty()) {
        return no_region_group;
    }
    return join(parts, static_cast<std::size_t>(level));
}

bool region_contains(std::string_view filter, const std::optional<std::string>& region)
{
    auto wanted = region_components(filter);
    if (wanted.empty()) {
        return true;
    }
    auto parts = region ? region_components(*region) : std::vector<std::string>{};
    if (parts.size() < wanted.size()) {
        return false;
    }
    for (std::size_t i = 0; i < wanted.size(); ++i) {
        if (parts[i] != wanted[i]) {
            return false;
        }
    }
    return true;
}

} // namespace csms::base
