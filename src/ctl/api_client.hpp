#pragma once
// The admin API as csmsctl sees it: JSON in, JSON out, and any error answer
// ({"error": {"code", "message"}}) thrown as ApiError.
#include "ctl/http_client.hpp"

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace csms::ctl {

struct ApiAnswer {
    std::string body;         // the server's JSON text, for --json
    rapidjson::Document json; // the same, parsed
};

class ApiClient {
public:
    ApiClient(ServerUrl server, std::string token, TlsOptions tls = {});

    ApiAnswer get(const std::string& target, std::chrono::milliseconds limit = std::chrono::seconds(30));
    // POST/PATCH with a JSON body.
    ApiAnswer send(const std::string& method, const std::string& target, const rapidjson::Value& body,
                   std::chrono::milliseconds limit = std::chrono::seconds(30));

    const ServerUrl& server() const { return server_; }

private:
    ApiAnswer exchange(const std::string& method, const std::string& target, const std::string& body,
                       std::chrono::milliseconds limit);

    ServerUrl server_;
    std::string token_;
    TlsOptions tls_;
};

// RFC 3986 percent-encoding of everything but unreserved characters, for
// path segments (charger ids, tags) and query values.
std::string percent_encode(std::string_view text);

// "?a=1&b=x" from the pairs that have a value; "" when none has.
class Query {
public:
    Query& add(std::string key, std::optional<std::string> value);
    std::string str() const;

private:
    std::vector<std::pair<std::string, std::string>> pairs_;
};

} // namespace csms::ctl
