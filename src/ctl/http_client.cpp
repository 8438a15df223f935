#include "ctl/http_client.hpp"

#include "ctl/errors.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <optional>

namespace csms::ctl {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::uint64_t max_body = 64ull * 1024 * 1024;

std::string seconds(std::chrono::milliseconds d)
{
    return std::to_string((d.count() + 999) / 1000) + " s";
}

} // namespace

HttpAnswer http_exchange(const ServerUrl& server, const std::string& method, const std::string& target,
                         const std::string& body, const std::string& bearer_token, HttpTimeouts timeouts)
{
    // Asynchronous operations under one io_context::run(): Beast's
    // tcp_stream deadlines apply to async operations only.
    asio::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    http::request<http::string_body> request{http::string_to_verb(method), server.prefix + target, 11};
    request.set(http::field::host, server.host_header());
    request.set(http::field::user_agent, "csmsctl");
    request.set(http::field::accept, "application/json");
    if (!bearer_token.empty()) {
        request.set(http::field::authorization, "Bearer " + bearer_token);
    }
    if (!body.empty()) {
        request.set(http::field::content_type, "application/json");
        request.body() = body;
    }
    request.prepare_payload();
    request.keep_alive(false);

    http::response_parser<http::string_body> parser;
    parser.body_limit(max_body);
    beast::flat_buffer buffer;
    std::optional<std::string> unreachable; // why the exchange failed
    auto fail = [&](const std::string& why) { unreachable = "cannot reach " + server.text + ": " + why; };
    auto lost = [&](beast::error_code ec) {
        unreachable = ec == beast::error::timeout
                          ? "no answer from " + server.text + " within " + seconds(timeouts.exchange)
                          : "connection to " + server.text + " failed: " + ec.message();
    };

    resolver.async_resolve(
        server.host, std::to_string(server.port), [&](beast::error_code ec, tcp::resolver::results_type results) {
            if (ec) {
                fail(ec.message());
                return;
            }
            stream.expires_after(timeouts.connect);
            stream.async_connect(results, [&](beast::error_code cec, const tcp::endpoint&) {
                if (cec) {
                    fail(cec == beast::error::timeout ? "connect timed out after " + seconds(timeouts.connect)
                                                      : cec.message());
                    return;
                }
                stream.expires_after(timeouts.exchange);
                http::async_write(stream, request, [&](beast::error_code wec, std::size_t) {
                    if (wec) {
                        lost(wec);
                        return;
                    }
                    http::async_read(stream, buffer, parser, [&](beast::error_code rec, std::size_t) {
                        if (rec) {
                            lost(rec);
                            return;
                        }
                        beast::error_code ignored;
                        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
                    });
                });
            });
        });
    ioc.run();
    if (unreachable) {
        throw UnreachableError(*unreachable);
    }
    auto response = parser.release();
    return HttpAnswer{response.result_int(), std::move(response.body())};
}

} // namespace csms::ctl
