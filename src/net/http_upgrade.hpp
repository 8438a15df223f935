#pragma once
// Reads the HTTP request of a new connection (with limits and a deadline),
// checks it is an OCPP WebSocket upgrade and hands the socket on. Internal.
#include "net/ws_session.hpp"

#include <optional>

namespace csms::net {

class HttpUpgrade : public std::enable_shared_from_this<HttpUpgrade> {
public:
    HttpUpgrade(tcp::socket&& socket, std::shared_ptr<ListenerContext> context);
    void run();

private:
    void on_read(beast::error_code ec, std::size_t bytes);
    void refuse(http::status status, std::string body);

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::empty_body>> parser_;
    std::shared_ptr<ListenerContext> context_;
    http::response<http::string_body> refusal_;
};

} // namespace csms::net
