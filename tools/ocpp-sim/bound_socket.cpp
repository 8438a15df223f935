#include "bound_socket.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

namespace csms::sim {

boost::system::error_code open_bound(boost::asio::ip::tcp::socket& socket, SourceAddresses& sources)
{
    namespace ip = boost::asio::ip;
    boost::system::error_code ec;
    socket.open(ip::tcp::v4(), ec);
    if (ec) {
        return ec;
    }
#ifdef IP_BIND_ADDRESS_NO_PORT
    const int one = 1;
    // Best effort: without it bind() picks the port, which still works.
    ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
#endif
    socket.bind(ip::tcp::endpoint(ip::address_v4(sources.next()), 0), ec);
    if (ec) {
        boost::system::error_code ignored;
        socket.close(ignored);
    }
    return ec;
}

std::optional<boost::asio::ip::tcp::endpoint> first_ipv4(const std::vector<boost::asio::ip::tcp::endpoint>& endpoints)
{
    for (const auto& endpoint : endpoints) {
        if (endpoint.address().is_v4()) {
            return endpoint;
        }
    }
    return std::nullopt;
}

} // namespace csms::sim
