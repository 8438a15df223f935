#pragma once
// HTTP on 127.0.0.1 with a deadline, for the admin listener tests.
#include <chrono>
#include <cstdint>
#include <string>

namespace csms::test {

struct HttpResult {
    unsigned status = 0; // 0: no answer (see error)
    std::string content_type;
    std::string body;
    std::string error;
};

HttpResult http_get(std::uint16_t port, const std::string& target,
                    std::chrono::milliseconds limit = std::chrono::seconds(5));

// Any method, with an optional JSON body and bearer token ("" = none).
HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body = "", const std::string& token = "",
                        std::chrono::milliseconds limit = std::chrono::seconds(10));

} // namespace csms::test
