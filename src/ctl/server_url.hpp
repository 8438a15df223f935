#pragma once
// --server URL: "http[s]://host[:port][/prefix]". Without a port, the
// scheme's own (80, 443), as curl and browsers do; csmsctl's default server
// (http://127.0.0.1:8181, see context.cpp) names its port.
#include <cstdint>
#include <string>
#include <string_view>

namespace csms::ctl {

struct ServerUrl {
    bool tls = false; // https://
    std::string host; // without brackets for IPv6 literals
    std::uint16_t port = 80;
    std::string prefix; // "" or "/something" without a trailing slash
    std::string text;   // as given, for error messages

    std::string host_header() const;
};

// Throws UsageError naming what is wrong.
ServerUrl parse_server_url(std::string_view text);

} // namespace csms::ctl
