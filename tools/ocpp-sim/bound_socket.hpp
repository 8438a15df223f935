#pragma once
// --source-addresses: opens a TCP socket bound to the next local address
// before it connects. The port is left to connect() (IP_BIND_ADDRESS_NO_PORT),
// so the kernel can reuse one port towards different servers instead of
// reserving it at bind time.
#include "source_addresses.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <optional>
#include <vector>

namespace csms::sim {

boost::system::error_code open_bound(boost::asio::ip::tcp::socket& socket, SourceAddresses& sources);

// The first IPv4 endpoint: a bound socket can try only one.
std::optional<boost::asio::ip::tcp::endpoint> first_ipv4(const std::vector<boost::asio::ip::tcp::endpoint>& endpoints);

} // namespace csms::sim
