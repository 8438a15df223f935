#include "options.hpp"

#include <algorithm>
#include <cstdio>

namespace csms::sim {
namespace {

std::string padded(int number)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d", number);
    return buf;
}

// Ids go into the URL path unescaped, so keep them to characters that need
// no percent-encoding.
bool is_id_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
}

bool all_digits(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

std::variant<WsUrl, std::string> parse_ws_url(std::string_view url)
{
    constexpr std::string_view scheme = "ws://";
    if (url.starts_with("wss://")) {
        return std::string("wss:// is not supported yet; use ws://");
    }
    if (!url.starts_with(scheme)) {
        return "--url must start with ws://, got '" + std::string(url) + "'";
    }
    std::string_view rest = url.substr(scheme.size());
    std::size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    while (path.ends_with('/')) {
        path.remove_suffix(1);
    }
    if (path.find_first_of("?#") != std::string_view::npos) {
        return std::string("--url must not have a query or fragment");
    }

    WsUrl out;
    std::string_view port;
    if (authority.starts_with('[')) {
        std::size_t close = authority.find(']');
        if (close == std::string_view::npos) {
            return std::string("--url has an unterminated IPv6 address");
        }
        out.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (!after.starts_with(':')) {
                return std::string("--url has junk after the IPv6 address");
            }
            port = after.substr(1);
        }
    } else {
        std::size_t colon = authority.find(':');
        out.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            port = authority.substr(colon + 1);
        }
    }
    if (out.host.empty()) {
        return std::string("--url has no host");
    }
    if (port.empty()) {
        port = "80";
    } else if (!all_digits(port) || port.size() > 5 || std::stoi(std::string(port)) > 65535) {
        return "--url has a bad port '" + std::string(port) + "'";
    }
    out.port = std::string(port);
    out.path = std::string(path);
    out.host_header = std::string(authority);
    return out;
}

std::optional<std::string> validate(const Options& options)
{
    if (options.prefix.empty() || !std::all_of(options.prefix.begin(), options.prefix.end(), is_id_char)) {
        return "--prefix must be non-empty and use only A-Z a-z 0-9 - _ .";
    }
    // OCPP 1.6 idTag is CiString20Type.
    if (options.id_tag && (options.id_tag->empty() || options.id_tag->size() > 20)) {
        return std::string("--id-tag must be 1 to 20 characters");
    }
    if (auto url = parse_ws_url(options.url); std::holds_alternative<std::string>(url)) {
        return std::get<std::string>(url);
    }
    return std::nullopt;
}

std::string charger_id(std::string_view prefix, int number)
{
    return std::string(prefix) + "-" + padded(number);
}

std::string default_id_tag(int number)
{
    return "TAG-" + padded(number);
}

} // namespace csms::sim
