#include "notify/tcp_connection.hpp"

#include "notify/tls_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include <functional>

namespace csms::notify {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using asio::ip::tcp;

struct TcpConnection::Impl {
    explicit Impl(std::chrono::steady_clock::time_point d) : deadline(d) {}

    // Runs the operation that start() begins until it completes or the
    // deadline passes, and returns its result; a late operation is cancelled
    // by closing the socket (and cancel(), for a resolve) and throws.
    template <class Start>
    boost::system::error_code wait(const char* what, Start start, const std::function<void()>& cancel = {})
    {
        boost::system::error_code result = asio::error::would_block;
        start(result);
        ioc.restart();
        ioc.run_until(deadline);
        if (result == asio::error::would_block) {
            boost::system::error_code ignored;
            socket.close(ignored);
            if (cancel) {
                cancel();
            }
            ioc.restart();
            ioc.run(); // lets the cancelled handler finish before result goes out of scope
            throw NetworkError(std::string(what) + ": timed out");
        }
        return result;
    }

    // wait(), and any error is a NetworkError.
    template <class Start> void run(const char* what, Start start, const std::function<void()>& cancel = {})
    {
        if (auto result = wait(what, start, cancel)) {
            throw NetworkError(std::string(what) + ": " + result.message());
        }
    }

    // f(stream) on the TLS stream once there is one, else on the socket.
    template <class F> void on_stream(F f)
    {
        if (tls) {
            f(*tls);
        } else {
            f(socket);
        }
    }

    std::chrono::steady_clock::time_point deadline;
    asio::io_context ioc;
    tcp::socket socket{ioc};
    std::shared_ptr<ssl::context> tls_context;
    std::unique_ptr<ssl::stream<tcp::socket&>> tls; // over socket, which a timeout closes
    std::string buffer;
};

TcpConnection::TcpConnection(const std::string& host, const std::string& port,
                             std::chrono::steady_clock::time_point deadline)
    : impl_(std::make_unique<Impl>(deadline))
{
    tcp::resolver resolver(impl_->ioc);
    tcp::resolver::results_type endpoints;
    impl_->run(
        "resolve",
        [&](boost::system::error_code& result) {
            resolver.async_resolve(host, port, [&](const boost::system::error_code& ec, tcp::resolver::results_type r) {
                result = ec;
                endpoints = std::move(r);
            });
        },
        [&resolver] { resolver.cancel(); });
    impl_->run("connect", [&](boost::system::error_code& result) {
        asio::async_connect(impl_->socket, endpoints,
                            [&](const boost::system::error_code& ec, const tcp::endpoint&) { result = ec; });
    });
}

TcpConnection::~TcpConnection() = default;

void TcpConnection::start_tls(const std::string& host, const std::string& ca_file)
{
    if (!impl_->buffer.empty()) {
        // Plain text read before the handshake would pass as if it had come
        // encrypted (the STARTTLS injection attack).
        throw NetworkError("TLS: the server sent data ahead of the handshake");
    }
    impl_->tls_context = tls_client_context(ca_file);
    auto tls = std::make_unique<ssl::stream<tcp::socket&>>(impl_->socket, *impl_->tls_context);
    expect_peer_name(tls->native_handle(), host);
    auto result = impl_->wait("TLS handshake", [&](boost::system::error_code& r) {
        tls->async_handshake(ssl::stream_base::client, [&](const boost::system::error_code& ec) { r = ec; });
    });
    if (result) {
        throw NetworkError(handshake_failure(tls->native_handle(), result.message(), host));
    }
    impl_->tls = std::move(tls); // encrypted() only once the server is verified
}

bool TcpConnection::encrypted() const
{
    return impl_->tls != nullptr;
}

void TcpConnection::write(std::string_view data)
{
    impl_->run("send", [&](boost::system::error_code& result) {
        impl_->on_stream([&](auto& stream) {
            asio::async_write(stream, asio::buffer(data.data(), data.size()),
                              [&](const boost::system::error_code& ec, std::size_t) { result = ec; });
        });
    });
}

std::string TcpConnection::read_until(std::string_view delimiter)
{
    std::size_t length = 0;
    impl_->run("receive", [&](boost::system::error_code& result) {
        impl_->on_stream([&](auto& stream) {
            asio::async_read_until(stream, asio::dynamic_buffer(impl_->buffer, 64 * 1024), delimiter,
                                   [&](const boost::system::error_code& ec, std::size_t n) {
                                       result = ec;
                                       length = n;
                                   });
        });
    });
    std::string out = impl_->buffer.substr(0, length);
    impl_->buffer.erase(0, length);
    return out;
}

} // namespace csms::notify
