#pragma once
// A new connection until it is a WebSocket: the TLS handshake (wss), the
// HTTP request (with limits and a deadline), the OCPP checks (path,
// subprotocol), then the authorizer's verdict. Internal to net/.
#include "net/ws_session.hpp"

#include <optional>

namespace csms::net {

template <class Stream> class HttpUpgrade : public std::enable_shared_from_this<HttpUpgrade<Stream>> {
public:
    HttpUpgrade(tcp::socket&& socket, std::shared_ptr<ListenerContext> context);
    void run();

private:
    void read_request();
    void on_read(beast::error_code ec, std::size_t bytes);
    void on_verdict(UpgradeVerdict verdict);
    void refuse(http::status status, std::string body);
    void close_socket();

    using std::enable_shared_from_this<HttpUpgrade<Stream>>::shared_from_this;

    std::shared_ptr<ListenerContext> context_;
    std::shared_ptr<ssl::context> tls_context_; // null for plain ws
    Stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::empty_body>> parser_;
    http::response<http::string_body> refusal_;
    UpgradeRequest identity_;
};

} // namespace csms::net
