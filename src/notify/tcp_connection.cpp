#include "notify/tcp_connection.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <functional>

namespace csms::notify {

namespace asio = boost::asio;
using asio::ip::tcp;

struct TcpConnection::Impl {
    explicit Impl(std::chrono::steady_clock::time_point d) : deadline(d) {}

    // Runs the operation that start() begins until it completes or the
    // deadline passes; a late operation is cancelled by closing the socket
    // (and cancel(), for a resolve).
    template <class Start> void run(const char* what, Start start, const std::function<void()>& cancel = {})
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
        if (result) {
            throw NetworkError(std::string(what) + ": " + result.message());
        }
    }

    std::chrono::steady_clock::time_point deadline;
    asio::io_context ioc;
    tcp::socket socket{ioc};
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

void TcpConnection::write(std::string_view data)
{
    impl_->run("send", [&](boost::system::error_code& result) {
        asio::async_write(impl_->socket, asio::buffer(data.data(), data.size()),
                          [&](const boost::system::error_code& ec, std::size_t) { result = ec; });
    });
}

std::string TcpConnection::read_until(std::string_view delimiter)
{
    std::size_t length = 0;
    impl_->run("receive", [&](boost::system::error_code& result) {
        asio::async_read_until(impl_->socket, asio::dynamic_buffer(impl_->buffer, 64 * 1024), delimiter,
                               [&](const boost::system::error_code& ec, std::size_t n) {
                                   result = ec;
                                   length = n;
                               });
    });
    std::string out = impl_->buffer.substr(0, length);
    impl_->buffer.erase(0, length);
    return out;
}

} // namespace csms::notify
