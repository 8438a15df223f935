#pragma once
// A tiny TCP server on 127.0.0.1 for end-to-end tests of csmsd's outgoing
// connections (webhooks, SMS gateway, SMTP): one thread accepts and serves
// each connection in turn with the given function, until destroyed. Blocking
// reads on a served connection give up after 5 s.
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <thread>

namespace csms::test {

// A port that was free a moment ago (bound to port 0, then closed): for a
// server that must start later on a port the client already knows.
std::uint16_t free_loopback_port();

// Line and byte reads on a served connection; nullopt once it is closed,
// broken or silent for 5 s.
class ServedConnection {
public:
    explicit ServedConnection(int fd) : fd_(fd) {}
    std::optional<std::string> read_until(const std::string& delimiter);
    std::optional<std::string> read_exactly(std::size_t n);
    void write(const std::string& data);

private:
    int fd_;
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
