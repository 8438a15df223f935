#pragma once
// Text joined from pieces with one allocation. Chains such as
// "'" + std::string(x) + "'" trip GCC 12's -Werror=restrict at -O3 (a known
// false positive in its inlined char_traits copy); concat says the same
// without the temporaries, and builds in every configuration.
#include <string>
#include <string_view>

namespace csms::base {

template <typename... Parts> std::string concat(const Parts&... parts)
{
    std::string out;
    out.reserve((std::string_view(parts).size() + ...));
    (out.append(std::string_view(parts)), ...);
    return out;
}

} // namespace csms::base
