#pragma once
// --source-addresses A-B: the local IPv4 addresses new TCP connections bind
// to, round-robin. One source address gives about 28k ephemeral ports towards
// one server address; Linux loopback answers on all of 127.0.0.0/8, so a
// range of them lets one process open far more connections.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace csms::sim {

// Inclusive range of IPv4 addresses in host byte order.
struct AddressRange {
    std::uint32_t first = 0;
    std::uint32_t last = 0;
    std::uint64_t size() const { return std::uint64_t{last} - first + 1; }
};

// "127.0.0.2-127.0.0.60" or one address "127.0.0.2". The error is one line.
std::variant<AddressRange, std::string> parse_address_range(std::string_view text);

// Dotted quad of a host-order address.
std::string format_ipv4(std::uint32_t address);

// Thread-safe round-robin over a range.
class SourceAddresses {
public:
    // start: where this process begins in the range, so that children of
    // --processes do not all begin on the first address.
    explicit SourceAddresses(AddressRange range, std::uint64_t start = 0) : range_(range), next_(start) {}
    std::uint32_t next()
    {
        const std::uint64_t n = next_.fetch_add(1, std::memory_order_relaxed);
        return range_.first + static_cast<std::uint32_t>(n % range_.size());
    }

private:
    AddressRange range_;
    std::atomic<std::uint64_t> next_;
};

} // namespace csms::sim
