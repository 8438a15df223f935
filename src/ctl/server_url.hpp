#pragma once
// --server URL: "http://host[:port][/prefix]". https is refused with a clear
// message until the admin listener speaks TLS.
#include <cstdint>
#include <string>
#include <string_view>

namespace csms::ctl {

struct ServerUrl {
    std::string host; // without brackets for IPv6 literals
    std::uint16_t port = 80;
    std::string prefix; // "" or "/something" without a trailing slash
    std::string text;   // as given, for error messages

    std::string host_header() const;
};

// Throws UsageError naming what is wrong.
ServerUrl parse_server_url(std::string_view text);

} // namespace csms::ctl
