#pragma once
// A small synchronous HTTP/1.1 client for the admin API, over TCP or TLS:
// one connection per request, a connect deadline (resolving the name, TCP
// connect and TLS handshake together) and a whole-exchange deadline. Beast
// and OpenSSL stay in http_client.cpp.
#include "ctl/server_url.hpp"

#include <chrono>
#include <string>

namespace csms::ctl {

struct HttpAnswer {
    unsigned status = 0;
    std::string body;
};

struct HttpTimeouts {
    std::chrono::milliseconds connect{5000};   // resolve, connect, and the TLS handshake
    std::chrono::milliseconds exchange{30000}; // write the request and read the whole answer
};

// For https:// servers. The certificate must chain to a trusted CA and name
// the URL's host (DNS name or IP address); TLS 1.2 or later.
struct TlsOptions {
    std::string ca_file; // PEM CA certificate(s) to trust; "" = the system's trust store
};

// Sends one request; throws UnreachableError when the server cannot be
// reached, is not trusted, or does not answer in time, and LocalError when
// the CA file cannot be used. `target` starts with '/'; the URL's prefix is
// put in front of it.
HttpAnswer http_exchange(const ServerUrl& server, const std::string& method, const std::string& target,
                         const std::string& body, const std::string& bearer_token, HttpTimeouts timeouts,
                         const TlsOptions& tls = {});

} // namespace csms::ctl
