#include "ctl/api_client.hpp"

#include "ctl/errors.hpp"
#include "ctl/table.hpp"

namespace csms::ctl {
namespace {

std::string member_string(const rapidjson::Value& object, const char* key)
{
    if (!object.IsObject()) {
        return {};
    }
    auto it = object.FindMember(key);
    return it != object.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString()) : std::string();
}

[[noreturn]] void throw_error(unsigned status, const rapidjson::Document& json)
{
    if (!json.HasParseError() && json.IsObject()) {
        auto it = json.FindMember("error");
        if (it != json.MemberEnd()) {
            auto code = member_string(it->value, "code");
            if (!code.empty()) {
                throw ApiError(code, member_string(it->value, "message"));
            }
        }
    }
    throw ApiError("http_" + std::to_string(status), "the server answered HTTP " + std::to_string(status));
}

} // namespace

ApiClient::ApiClient(ServerUrl server, std::string token, TlsOptions tls)
    : server_(std::move(server)), token_(std::move(token)), tls_(std::move(tls))
{
}

ApiAnswer ApiClient::get(const std::string& target, std::chrono::milliseconds limit)
{
    return exchange("GET", target, "", limit);
}

ApiAnswer ApiClient::send(const std::string& method, const std::string& target, const rapidjson::Value& body,
                          std::chrono::milliseconds limit)
{
    return exchange(method, target, compact_json(body), limit);
}

ApiAnswer ApiClient::exchange(const std::string& method, const std::string& target, const std::string& body,
                              std::chrono::milliseconds limit)
{
    auto answer =
        http_exchange(server_, method, target, body, token_, HttpTimeouts{std::chrono::seconds(5), limit}, tls_);
    ApiAnswer result;
    result.body = std::move(answer.body);
    result.json.Parse(result.body.c_str(), result.body.size());
    if (answer.status >= 400) {
        throw_error(answer.status, result.json);
    }
    if (result.json.HasParseError()) {
        throw ApiError("invalid_answer", "the server's answer to " + method + " " + target + " is not JSON (HTTP " +
                                             std::to_string(answer.status) + ")");
    }
    return result;
}

std::string percent_encode(std::string_view text)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                          c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

Query& Query::add(std::string key, std::optional<std::string> value)
{
    if (value) {
        pairs_.emplace_back(std::move(key), std::move(*value));
    }
    return *this;
}

std::string Query::str() const
{
    std::string out;
    for (const auto& [key, value] : pairs_) {
        out += out.empty() ? '?' : '&';
        out += percent_encode(key) + "=" + percent_encode(value);
    }
    return out;
}

} // namespace csms::ctl
