#include "support/tcp_test_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace csms::test {
namespace {

int bind_loopback(std::uint16_t port)
{
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    }
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        int error = errno;
        ::close(fd);
        throw std::runtime_error("bind 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(error));
    }
    return fd;
}

std::uint16_t bound_port(int fd)
{
    sockaddr_in address{};
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    return ntohs(address.sin_port);
}

} // namespace

std::uint16_t free_loopback_port()
{
    int fd = bind_loopback(0);
    auto port = bound_port(fd);
    ::close(fd);
    return port;
}

std::shared_ptr<ssl_ctx_st> tls_server_context(const TlsIdentity& identity)
{
    // OpenSSL writes to the socket without MSG_NOSIGNAL: a client that hangs
    // up must not kill the test binary.
    static std::once_flag once;
    std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
    std::shared_ptr<SSL_CTX> context(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
    if (!context || SSL_CTX_use_certificate_chain_file(context.get(), identity.certificate_chain.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(context.get(), identity.private_key.c_str(), SSL_FILETYPE_PEM) != 1) {
        throw std::runtime_error("test TLS server: cannot use " + identity.certificate_chain + " and " +
                                 identity.private_key);
    }
    return context;
}

ServedConnection::~ServedConnection()
{
    if (ssl_ != nullptr) {
        SSL_free(ssl_);
    }
}

bool ServedConnection::start_tls(SSL_CTX* context)
{
    ssl_ = SSL_new(context);
    if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) {
        return false;
    }
    return SSL_accept(ssl_) == 1;
}

bool ServedConnection::receive()
{
    char chunk[4096];
    auto n = ssl_ != nullptr ? static_cast<long>(SSL_read(ssl_, chunk, sizeof chunk))
                             : static_cast<long>(::recv(fd_, chunk, sizeof chunk, 0));
    if (n <= 0) {
        return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
}

std::optional<std::string> ServedConnection::read_until(const std::string& delimiter)
{
    for (;;) {
        if (auto at = buffer_.find(delimiter); at != std::string::npos) {
            auto out = buffer_.substr(0, at + delimiter.size());
            buffer_.erase(0, at + delimiter.size());
            return out;
        }
        if (!receive()) {
            return std::nullopt;
        }
    }
}

std::optional<std::string> ServedConnection::read_exactly(std::size_t n)
{
    while (buffer_.size() < n) {
        if (!receive()) {
            return std::nullopt;
        }
    }
    auto out = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return out;
}

void ServedConnection::write(const std::string& data)
{
    std::size_t sent = 0;
    while (sent < data.size()) {
        auto n = ssl_ != nullptr
                     ? static_cast<long>(SSL_write(ssl_, data.data() + sent, static_cast<int>(data.size() - sent)))
                     : static_cast<long>(::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL));
        if (n <= 0) {
            return;
        }
        sent += static_cast<std::size_t>(n);
    }
}

TcpTestServer::TcpTestServer(std::uint16_t port, Serve serve) : serve_(std::move(serve))
{
    listen_fd_ = bind_loopback(port);
    if (::listen(listen_fd_, 16) != 0) {
        ::close(listen_fd_);
        throw std::runtime_error(std::string("listen: ") + std::strerror(errno));
    }
    port_ = bound_port(listen_fd_);
    thread_ = std::thread([this] { run(); });
}

TcpTestServer::~TcpTestServer()
{
    stopping_ = true;
    thread_.join();
    ::close(listen_fd_);
}

void TcpTestServer::run()
{
    while (!stopping_) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) { // wakes to see stopping_
            continue;
        }
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            continue;
        }
        timeval timeout{5, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        ServedConnection connection(fd);
        try {
            serve_(connection);
        } catch (const std::exception&) {
            // A broken client is the client's problem; keep serving.
        }
        ::close(fd);
    }
}

} // namespace csms::test
