#pragma once
// Command-line settings of ocpp-sim, and the pieces derived from them that do
// not need a socket (URL parts, charger ids), so they can be checked before
// any I/O starts.
#include "load_mix.hpp"
#include "retry.hpp"
#include "source_addresses.hpp"

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

    double hold_seconds = 0;             // keep the connection open after the script
    bool connect_only = false;           // script is BootNotification only
    std::optional<double> temperature_c; // script: the Temperature every MeterValues reports

    // The load generator (issue 4); see main.cpp's --help texts.
    std::string mode = "script"; // script|load|storm
    double ramp_seconds = 0;
    double duration_seconds = 60;
    double settle_seconds = 1;     // load: from the end of the ramp to the measured window
    double heartbeat_interval = 0; // seconds; 0 = none
    double meter_interval = 0;     // seconds; 0 = none
    std::string retry = "mix";     // storm: fixed|backoff|mix
    double storm_timeout = 120;
    std::string source_addresses; // "A-B" or "A"; empty: the kernel picks
    int processes = 1;
    int server_pid = 0; // 0: no server usage
    bool tls_resume = false;
    std::string durability_log; // empty: none
    // load: one call in flight per charger, the next sent as soon as the
    // answer comes, chosen by --mix (load_mix.hpp), instead of the grids.
    bool closed_loop = false;
    std::optional<std::string> mix; // unset: meter=80,heartbeat=10,status=10
};

// Derived from Options once validate() passed.
enum class Mode { script, load, storm };
Mode parse_mode(std::string_view text); // precondition: validated

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

// --mix, or its default; precondition: validated.
LoadMix load_mix(const Options& options);

// Checks what CLI11 cannot express alone; returns the one-line error if any.
std::optional<std::string> validate(const Options& options);

// Charger numbers [first, last] of child `index` of `processes`: contiguous,
// sizes differing by at most one.
struct Slice {
    int first = 1;
    int last = 0;
};
Slice process_slice(int chargers, int processes, int index);

// "{prefix}-0001": at least four digits, so ids sort in charger order.
std::string charger_id(std::string_view prefix, int number);
std::string default_id_tag(int number);

// The pattern with every "{id}" replaced by id.
std::string expand_pattern(std::string_view pattern, std::string_view id);

// The value of the Authorization header: "Basic " + base64(user ":" password).
std::string basic_authorization(std::string_view user, std::string_view password);

} // namespace csms::sim
