#pragma once
// Binds and listens, or throws std::runtime_error naming the listener and
// the address ("ws listener 0.0.0.0:8180: Address already in use").
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <string>

namespace csms::net {

void open_acceptor(boost::asio::ip::tcp::acceptor& acceptor, const std::string& host, std::uint16_t port,
                   const std::string& name);

} // namespace csms::net
