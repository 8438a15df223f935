#pragma once
// A blocking TCP connection where every step is bounded by one deadline, for
// the dispatcher's sender thread: a hung webhook, SMS gateway or SMTP relay
// costs at most the channel's timeout, never the writer or a charger. Each
// connection runs its own small io_context; nothing is shared. start_tls()
// turns it into a TLS connection (at once for https and implicit TLS, after
// the relay's go-ahead for STARTTLS); later reads and writes are encrypted.
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace csms::notify {

// Anything that went wrong on the wire: refused, reset, timed out, a reply
// too long. Worth retrying.
class NetworkError : public std::runtime_error {
public:
    using runtime_error::runtime_error;
};

class TcpConnection {
public:
    // Resolves and connects before the deadline; throws NetworkError.
    TcpConnection(const std::string& host, const std::string& port, std::chrono::steady_clock::time_point deadline);
    ~TcpConnection();
    TcpConnection(const TcpConnection&) = delete;
    TcpConnection& operator=(const TcpConnection&) = delete;

    // The handshake, with the server's certificate checked for host against
    // ca_file or the system's trust store (tls_client.hpp). Throws
    // NetworkError with a short reason: an untrusted certificate, one for
    // another name, bytes the server sent ahead of the handshake.
    void start_tls(const std::string& host, const std::string& ca_file);
    bool encrypted() const;

    void write(std::string_view data);
    // Everything up to and including delimiter (at most 64 KiB).
    std::string read_until(std::string_view delimiter);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace csms::notify
