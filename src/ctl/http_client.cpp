#include "ctl/http_client.hpp"

#include "ctl/deadline.hpp"
#include "ctl/errors.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace csms::ctl {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::uint64_t max_body = 64ull * 1024 * 1024;

std::string seconds(std::chrono::milliseconds d)
{
    return std::to_string((d.count() + 999) / 1000) + " s";
}

std::chrono::milliseconds left_until(Clock::time_point deadline)
{
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return std::max(left, std::chrono::milliseconds(0));
}

bool is_ip_literal(const std::string& host)
{
    beast::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

// The server's addresses, within the connect deadline (see deadline.hpp for
// why not async_resolve).
std::vector<tcp::endpoint> resolve(const ServerUrl& server, Clock::time_point deadline,
                                   std::chrono::milliseconds connect_timeout)
{
    beast::error_code ec;
    auto address = asio::ip::make_address(server.host, ec);
    if (!ec) {
        return {tcp::endpoint(address, server.port)};
    }
    using Resolved = std::pair<std::vector<tcp::endpoint>, beast::error_code>;
    auto resolved = call_with_deadline<Resolved>(
        [host = server.host, port = server.port] {
            asio::io_context ioc;
            tcp::resolver resolver(ioc);
            beast::error_code rec;
            auto results = resolver.resolve(host, std::to_string(port), rec);
            std::vector<tcp::endpoint> endpoints;
            for (const auto& entry : results) {
                endpoints.push_back(entry.endpoint());
            }
            return Resolved{std::move(endpoints), rec};
        },
        left_until(deadline));
    if (!resolved) {
        throw UnreachableError("cannot reach " + server.text + ": resolving " + server.host + " timed out after " +
                               seconds(connect_timeout));
    }
    if (resolved->second || resolved->first.empty()) {
        throw UnreachableError("cannot reach " + server.text + ": cannot resolve " + server.host + ": " +
                               (resolved->second ? resolved->second.message() : std::string("no address")));
    }
    return std::move(resolved->first);
}

// Verify the peer against `tls.ca_file` or the system's trust store; TLS 1.2+.
ssl::context client_context(const TlsOptions& tls)
{
    ssl::context context(ssl::context::tls_client);
    if (SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION) != 1) {
        throw LocalError("cannot require TLS 1.2");
    }
    context.set_verify_mode(ssl::verify_peer);
    beast::error_code ec;
    if (!tls.ca_file.empty()) {
        context.load_verify_file(tls.ca_file, ec);
        if (ec) {
            throw LocalError("cannot use the CA file " + tls.ca_file + ": " + ec.message());
        }
    } else {
        context.set_default_verify_paths(ec);
        if (ec) {
            throw LocalError("cannot load the system's trusted CAs: " + ec.message());
        }
    }
    return context;
}

// SNI for a name, and the name or address the certificate must hold.
void expect_host(SSL* ssl, const std::string& host)
{
    bool ok = false;
    if (is_ip_literal(host)) {
        ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
    } else {
        ok = SSL_set_tlsext_host_name(ssl, host.c_str()) == 1 && SSL_set1_host(ssl, host.c_str()) == 1;
    }
    if (!ok) {
        throw LocalError("cannot set up TLS for host " + host);
    }
}

// Why the handshake failed: OpenSSL's verify result when the certificate was
// the problem.
std::string handshake_failure(SSL* ssl, beast::error_code ec, std::chrono::milliseconds connect_timeout)
{
    if (ec == beast::error::timeout) {
        return "TLS handshake timed out after " + seconds(connect_timeout);
    }
    long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK) {
        std::string why = X509_verify_cert_error_string(verify);
        bool name = verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH;
        return "the server's certificate is not trusted: " + why +
               (name ? " (use a host name or address the certificate names)"
                     : " (give its CA with --ca-file or $CSMS_CA_FILE)");
    }
    return "TLS handshake failed: " + ec.message();
}

using Request = http::request<http::string_body>;

// One exchange on a plain or TLS stream, under one io_context::run(): Beast's
// tcp_stream deadlines apply to async operations only. Returns why it failed.
template <class Stream>
std::optional<std::string> exchange_on(asio::io_context& ioc, Stream& stream, const ServerUrl& server,
                                       const std::vector<tcp::endpoint>& endpoints, Request& request,
                                       http::response_parser<http::string_body>& parser,
                                       Clock::time_point connect_deadline, HttpTimeouts timeouts)
{
    constexpr bool tls = !std::is_same_v<Stream, beast::tcp_stream>;
    auto& tcp_layer = beast::get_lowest_layer(stream);
    beast::flat_buffer buffer;
    std::optional<std::string> failure;
    auto fail = [&](const std::string& why) { failure = "cannot reach " + server.text + ": " + why; };
    auto lost = [&](beast::error_code ec) {
        if (ec == beast::error::timeout) {
            failure = "no answer from " + server.text + " within " + seconds(timeouts.exchange);
            return;
        }
        failure = "connection to " + server.text + " failed: " + ec.message();
        if (!tls && !parser.got_some()) {
            // What a TLS listener does with a plain request: it closes or
            // answers with a TLS alert.
            *failure += " (if the server speaks HTTPS, use https://)";
        }
    };
    auto send = [&] {
        tcp_layer.expires_after(timeouts.exchange);
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
                // The whole answer is in; close without a TLS close_notify
                // exchange, which a server may never answer.
                beast::error_code ignored;
                tcp_layer.socket().shutdown(tcp::socket::shutdown_both, ignored);
            });
        });
    };

    tcp_layer.expires_at(connect_deadline);
    tcp_layer.async_connect(endpoints, [&](beast::error_code cec, const tcp::endpoint&) {
        if (cec) {
            fail(cec == beast::error::timeout ? "connect timed out after " + seconds(timeouts.connect) : cec.message());
            return;
        }
        if constexpr (tls) {
            stream.async_handshake(ssl::stream_base::client, [&](beast::error_code hec) {
                if (hec) {
                    fail(handshake_failure(stream.native_handle(), hec, timeouts.connect));
                    return;
                }
                send();
            });
        } else {
            send();
        }
    });
    ioc.run();
    return failure;
}

} // namespace

HttpAnswer http_exchange(const ServerUrl& server, const std::string& method, const std::string& target,
                         const std::string& body, const std::string& bearer_token, HttpTimeouts timeouts,
                         const TlsOptions& tls)
{
    // A CA file that cannot be read is a local problem, whatever the server.
    std::optional<ssl::context> context;
    if (server.tls) {
        context.emplace(client_context(tls));
    }
    const auto connect_deadline = Clock::now() + timeouts.connect;
    auto endpoints = resolve(server, connect_deadline, timeouts.connect);

    Request request{http::string_to_verb(method), server.prefix + target, 11};
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
    asio::io_context ioc;
    std::optional<std::string> failure;
    if (context) {
        beast::ssl_stream<beast::tcp_stream> stream(ioc, *context);
        expect_host(stream.native_handle(), server.host);
        failure = exchange_on(ioc, stream, server, endpoints, request, parser, connect_deadline, timeouts);
    } else {
        beast::tcp_stream stream(ioc);
        failure = exchange_on(ioc, stream, server, endpoints, request, parser, connect_deadline, timeouts);
    }
    if (failure) {
        throw UnreachableError(*failure);
    }
    auto response = parser.release();
    return HttpAnswer{response.result_int(), std::move(response.body())};
}

} // namespace csms::ctl
