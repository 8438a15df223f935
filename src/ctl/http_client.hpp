#pragma once
// A small synchronous HTTP/1.1 client for the admin API: one connection per
// request, a connect deadline and a whole-exchange deadline. Beast stays in
// http_client.cpp. Plain http only for now.
#include "ctl/server_url.hpp"

#include <chrono>
#include <string>

namespace csms::ctl {

struct HttpAnswer {
    unsigned status = 0;
    std::string body;
};

struct HttpTimeouts {
    std::chrono::milliseconds connect{5000};
    std::chrono::milliseconds exchange{30000}; // write the request and read the whole answer
};

// Sends one request; throws UnreachableError when the server cannot be
// reached or does not answer in time. `target` starts with '/'; the URL's
// prefix is put in front of it.
HttpAnswer http_exchange(const ServerUrl& server, const std::string& method, const std::string& target,
                         const std::string& body, const std::string& bearer_token, HttpTimeouts timeouts);

} // namespace csms::ctl
