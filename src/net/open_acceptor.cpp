#include "net/open_acceptor.hpp"

#include <stdexcept>

namespace csms::net {

void open_acceptor(boost::asio::ip::tcp::acceptor& acceptor, const std::string& host, std::uint16_t port,
                   const std::string& name)
{
    namespace asio = boost::asio;
    boost::system::error_code ec;
    auto address = asio::ip::make_address(host, ec);
    if (ec) {
        throw std::runtime_error(name + " listener: '" + host + "' is not an IP address");
    }
    asio::ip::tcp::endpoint endpoint{address, port};
    auto fail = [&](const char* step) {
        throw std::runtime_error(name + " listener " + host + ":" + std::to_string(port) + ": " + step + ": " +
                                 ec.message());
    };
    if (acceptor.open(endpoint.protocol(), ec)) fail("open");
    if (acceptor.set_option(asio::socket_base::reuse_address(true), ec)) fail("set option");
    if (acceptor.bind(endpoint, ec)) fail("bind");
    if (acceptor.listen(asio::socket_base::max_listen_connections, ec)) fail("listen");
}

} // namespace csms::net
