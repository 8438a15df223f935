#include "source_addresses.hpp"

#include "base/concat.hpp"

#include <charconv>

namespace csms::sim {
namespace {

std::optional<std::uint32_t> parse_ipv4(std::string_view text)
{
    std::uint32_t out = 0;
    const char* p = text.data();
    const char* end = text.data() + text.size();
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (p == end || *p != '.') {
                return std::nullopt;
            }
            ++p;
        }
        unsigned octet = 256;
        const char* start = p;
        auto [next, ec] = std::from_chars(p, end, octet);
        // No signs, no leading zeros (they read as octal elsewhere), at most 255.
        if (ec != std::errc{} || octet > 255 || next - start > 3 || (next - start > 1 && *start == '0')) {
            return std::nullopt;
        }
        out = out << 8 | octet;
        p = next;
    }
    if (p != end) {
        return std::nullopt;
    }
    return out;
}

} // namespace

std::variant<AddressRange, std::string> parse_address_range(std::string_view text)
{
    const std::size_t dash = text.find('-');
    const std::string_view first_text = text.substr(0, dash);
    const std::string_view last_text = dash == std::string_view::npos ? first_text : text.substr(dash + 1);
    auto first = parse_ipv4(first_text);
    auto last = parse_ipv4(last_text);
    if (!first || !last) {
        return base::concat("--source-addresses must be an IPv4 address or range A-B, got '", text, "'");
    }
    if (*last < *first) {
        return base::concat("--source-addresses range ends before it starts: '", text, "'");
    }
    return AddressRange{*first, *last};
}

std::string format_ipv4(std::uint32_t address)
{
    return std::to_string(address >> 24) + "." + std::to_string(address >> 16 & 255) + "." +
           std::to_string(address >> 8 & 255) + "." + std::to_string(address & 255);
}

} // namespace csms::sim
