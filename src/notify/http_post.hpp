#pragma once
// One HTTP/1.1 POST over plain TCP or TLS (https, the server's certificate
// and name checked) with a deadline, for webhooks and SMS gateways: the
// request is sent with Connection: close, and only the answer's status line
// and headers are read.
#include "notify/config.hpp"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace csms::notify {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The answer's status code; throws NetworkError (from tcp_connection.hpp)
// for anything on the wire, including no answer before the timeout.
int http_post(const HttpTarget& target, const std::string& content_type, const Headers& headers,
              const std::string& body, std::chrono::milliseconds timeout);

} // namespace csms::notify
