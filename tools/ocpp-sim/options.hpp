#pragma once
// Command-line settings of ocpp-sim, and the pieces derived from them that do
// not need a socket (URL parts, charger ids), so they can be checked before
// any I/O starts.
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace csms::sim {

struct Options {
    std::string url;
    int chargers = 1;
    std::string prefix = "SIM";
    int sessions = 1;
    int meter_values = 3;
    std::optional<std::string> id_tag; // unset: "TAG-" + charger number
    int threads = 2;
    double connect_rate = 0; // new connections per second; 0 = all at once
    int call_timeout_ms = 10'000;
    bool verbose = false;
    bool json = false;

    // TLS (wss:// only). The patterns may hold "{id}", replaced by the charger id.
    std::string ca_file; // required for wss://
    std::string client_cert_pattern;
    std::string client_key_pattern;
    // HTTP Basic auth on the upgrade: user = charger id, password from the pattern.
    std::optional<std::string> password_pattern;

    double hold_seconds = 0;   // keep the connection open after the script
    bool connect_only = false; // script is BootNotification only
};

// ws[s]://HOST[:PORT][/PATH]; the charger id is appended to PATH.
struct WsUrl {
    bool tls = false; // wss://
    std::string host; // without brackets for IPv6 literals
    std::string port;
    std::string path;        // never ends in '/'; may be empty
    std::string host_header; // HOST[:PORT] as sent in the Host header
};

// An error is one line meant for the user.
std::variant<WsUrl, std::string> parse_ws_url(std::string_view url);

// Checks what CLI11 cannot express alone; returns the one-line error if any.
std::optional<std::string> validate(const Options& options);

// "{prefix}-0001": at least four digits, so ids sort in charger order.
std::string charger_id(std::string_view prefix, int number);
std::string default_id_tag(int number);

// The pattern with every "{id}" replaced by id.
std::string expand_pattern(std::string_view pattern, std::string_view id);

// The value of the Authorization header: "Basic " + base64(user ":" password).
std::string basic_authorization(std::string_view user, std::string_view password);

} // namespace csms::sim
