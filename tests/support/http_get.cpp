#include "support/http_get.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace csms::test {

HttpResult http_get(std::uint16_t port, const std::string& target, std::chrono::milliseconds limit)
{
    return http_request(port, "GET", target, "", "", limit);
}

HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body, const std::string& token, std::chrono::milliseconds limit)
{
    namespace asio = boost::asio;
    namespace beast = boost::beast;
    namespace http = beast::http;
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(limit);
    HttpResult result;
    http::request<http::string_body> request{http::string_to_verb(method), target, 11};
    request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    if (!token.empty()) {
        request.set(http::field::authorization, "Bearer " + token);
    }
    if (!body.empty()) {
        request.set(http::field::content_type, "application/json");
        request.body() = body;
    }
    request.prepare_payload();
    request.keep_alive(false);
    http::response<http::string_body> response;
    beast::flat_buffer buffer;
    stream.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
        if (ec) {
            result.error = "connect: " + ec.message();
            return;
        }
        http::async_write(stream, request, [&](beast::error_code wec, std::size_t) {
            if (wec) {
                result.error = "write: " + wec.message();
                return;
            }
            http::async_read(stream, buffer, response, [&](beast::error_code rec, std::size_t) {
                if (rec) {
                    result.error = "read: " + rec.message();
                    return;
                }
                result.status = response.result_int();
                result.content_type = std::string(response[http::field::content_type]);
                result.body = response.body();
            });
        });
    });
    ioc.run(); // bounded by the stream's expiry
    return result;
}

} // namespace csms::test
