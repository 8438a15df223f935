#pragma once
// Namespace aliases and the two stream types (PlainStream, TlsStream) for
// the net/ implementation files only; never include this from a header
// outside net/.
#include "net/tls_stream.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <type_traits>

namespace csms::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

// The bare socket: deadlines come from the upgrade's own timer and the
// WebSocket's timeouts, so beast::tcp_stream's per-operation timers would be
// memory every idle session holds for nothing. TlsStream: net/tls_stream.hpp.
using PlainStream = tcp::socket;

template <class Stream> inline constexpr bool is_tls = std::is_same_v<Stream, TlsStream>;

// The descriptor under either stream.
inline tcp::socket& socket_of(tcp::socket& stream)
{
    return stream;
}
inline tcp::socket& socket_of(TlsStream& stream)
{
    return stream.next_layer();
}
} // namespace csms::net
