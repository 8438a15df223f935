#pragma once
// A real HTTP server that records every request (method, target, headers,
// body) and answers with a chosen status: the webhook receiver and SMS
// gateway of the notification tests. With a TLS identity it speaks HTTPS
// only, and counts the handshakes that failed.
#include "support/tcp_test_server.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace csms::test {

struct ReceivedRequest {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers; // names in lower case
    std::string body;
    std::string header(const std::string& lower_case_name) const
    {
        auto it = headers.find(lower_case_name);
        return it == headers.end() ? std::string() : it->second;
    }
};

class HttpReceiver {
public:
    explicit HttpReceiver(std::uint16_t port = 0, int status = 200, std::optional<TlsIdentity> tls = std::nullopt);
    std::uint16_t port() const { return server_.port(); }
    std::vector<ReceivedRequest> requests() const;
    std::size_t count() const;
    std::size_t failed_handshakes() const;
    void set_status(int status);

private:
    void serve(ServedConnection& connection);

    mutable std::mutex mutex_;
    std::vector<ReceivedRequest> requests_;
    std::size_t failed_handshakes_ = 0;
    int status_;
    std::shared_ptr<ssl_ctx_st> tls_;
    TcpTestServer server_; // last: serves once everything above exists
};

} // namespace csms::test
