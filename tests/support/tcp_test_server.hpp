#pragma once
// A tiny TCP server on 127.0.0.1 for end-to-end tests of csmsd's outgoing
// connections (webhooks, SMS gateway, SMTP): one thread accepts and serves
// each connection in turn with the given function, until destroyed. Blocking
// reads on a served connection give up after 5 s. A served connection can
// turn into TLS (the server's side, blocking OpenSSL on the same socket).
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

struct ssl_ctx_st;
struct ssl_st;

namespace csms::test {

// What a TLS test server presents: its certificate chain and key (PEM files,
// e.g. test_certs().server_cert() and server_key()).
struct TlsIdentity {
    std::string certificate_chain;
    std::string private_key;
};

// A server context for identity; throws when the files cannot be used.
std::shared_ptr<ssl_ctx_st> tls_server_context(const TlsIdentity& identity);

// A port that was free a moment ago (bound to port 0, then closed): for a
// server that must start later on a port the client already knows.
std::uint16_t free_loopback_port();

// Line and byte reads on a served connection; nullopt once it is closed,
// broken or silent for 5 s.
class ServedConnection {
public:
    explicit ServedConnection(int fd) : fd_(fd) {}
    ~ServedConnection();
    ServedConnection(const ServedConnection&) = delete;
    ServedConnection& operator=(const ServedConnection&) = delete;

    // The server's side of a TLS handshake; false when it failed (the client
    // refused the certificate, or spoke no TLS). Reads and writes go through
    // TLS afterwards.
    bool start_tls(ssl_ctx_st* context);
    bool encrypted() const { return ssl_ != nullptr; }

    std::optional<std::string> read_until(const std::string& delimiter);
    std::optional<std::string> read_exactly(std::size_t n);
    void write(const std::string& data);

private:
    // Fills buffer_ with what arrives next; false once closed or silent.
    bool receive();

    int fd_;
    ssl_st* ssl_ = nullptr;
    std::string buffer_;
};

class TcpTestServer {
public:
    using Serve = std::function<void(ServedConnection&)>;
    // port 0: any free port. Throws if it cannot listen.
    TcpTestServer(std::uint16_t port, Serve serve);
    ~TcpTestServer();
    TcpTestServer(const TcpTestServer&) = delete;
    TcpTestServer& operator=(const TcpTestServer&) = delete;

    std::uint16_t port() const { return port_; }

private:
    void run();

    int listen_fd_ = -1;
    std::uint16_t port_ = 0;
    Serve serve_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

} // namespace csms::test
