#include "ctl/server_url.hpp"

#include "base/concat.hpp"
#include "ctl/errors.hpp"

#include <charconv>

namespace csms::ctl {
namespace {

[[noreturn]] void bad(std::string_view text, const std::string& why)
{
    throw UsageError(base::concat("invalid --server '", text, "': ", why));
}

} // namespace

std::string ServerUrl::host_header() const
{
    std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return h + ":" + std::to_string(port);
}

ServerUrl parse_server_url(std::string_view text)
{
    constexpr std::string_view http = "http://";
    constexpr std::string_view https = "https://";
    ServerUrl url;
    url.text = std::string(text);
    std::string_view rest;
    if (text.starts_with(https)) {
        url.tls = true;
        url.port = 443;
        rest = text.substr(https.size());
    } else if (text.starts_with(http)) {
        rest = text.substr(http.size());
    } else {
        bad(text, "expected http://HOST[:PORT] or https://HOST[:PORT]");
    }
    auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    if (slash != std::string_view::npos) {
        std::string_view prefix = rest.substr(slash);
        while (prefix.ends_with('/')) {
            prefix.remove_suffix(1);
        }
        url.prefix = std::string(prefix);
    }
    if (authority.find('@') != std::string_view::npos) {
        bad(text, "credentials in the URL are not supported; use a token file");
    }
    std::string_view port_text;
    if (authority.starts_with('[')) {
        auto close = authority.find(']');
        if (close == std::string_view::npos) {
            bad(text, "unterminated IPv6 address");
        }
        url.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (!after.starts_with(':')) {
                bad(text, "expected ':' after the IPv6 address");
            }
            port_text = after.substr(1);
        }
    } else {
        auto colon = authority.find(':');
        url.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            port_text = authority.substr(colon + 1);
        }
    }
    if (url.host.empty()) {
        bad(text, "no host");
    }
    if (!port_text.empty() || authority.ends_with(':')) {
        unsigned value = 0;
        auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
        if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 || value > 65535) {
            bad(text, "the port must be 1-65535");
        }
        url.port = static_cast<std::uint16_t>(value);
    }
    return url;
}

} // namespace csms::ctl
