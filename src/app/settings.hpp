#pragma once
// Everything csmsd can be told: built-in defaults, then the TOML file given
// by --config, then command-line flags (flags win). docs/configuration.md
// lists every key.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace csms::app {

struct HostPort {
    std::string host;
    std::uint16_t port = 0;
    std::string to_string() const { return host + ":" + std::to_string(port); }
};

// "0.0.0.0:8180", "[::1]:0"; throws std::invalid_argument with a one-line reason.
HostPort parse_host_port(const std::string& text);

struct Settings {
    HostPort listen{"0.0.0.0", 8180};
    std::optional<HostPort> tls_listen;
    std::string cert_file, key_file, ca_file;
    std::string crl_file; // [security] crl: revoked charger certificates
    HostPort admin_listen{"127.0.0.1", 8181};
    // [admin] cert/key: serve the admin API over HTTPS; both or neither.
    std::string admin_cert_file, admin_key_file;
    std::string db_path = "var/csms.db";
    std::string schemas_dir;
    bool dev = false;
    std::string log_level = "info";
    unsigned threads = 0; // 0 = one per core

    // --bootstrap-admin NAME --token-file F: create the first admin account,
    // write its token to F (mode 0600) and exit instead of serving.
    std::string bootstrap_admin;
    std::string token_file;

    // [ocpp]
    std::chrono::seconds heartbeat_interval{300};
    std::chrono::seconds boot_retry_interval{60};
    std::chrono::seconds call_timeout{30};
    std::chrono::seconds idle_timeout{300};
    std::chrono::seconds handshake_timeout{30};
    std::size_t max_frame_bytes = 64 * 1024;
    std::size_t max_pending_calls = 16;
    std::size_t max_connections = 0; // sessions across ws and wss; 0 = open-files limit - 500

    // [policy]
    std::string unknown_chargers = "reject"; // reject | pending | accept
    bool accept_unknown_id_tags = false;

    // [rules] file: alert rules (docs/rules.md); "" = no rule engine
    std::string rules_file;

    // [notifications] file: channels and routes (docs/notifications.md); "" = none sent
    std::string notifications_file;
    // [statistics] (docs/statistics.md)
    bool statistics = true;                   // enabled: the 15-minute statistics engine runs
    std::string statistics_time_zone = "UTC"; // IANA name: the site zone of every charger
    bool configure_chargers = false;          // set the chargers' meter intervals to 900 s after boot
    // [billing] (docs/billing.md)
    std::string tariffs_file;    // tariffs and where they apply; "" = no billing engine
    int idle_wait_minutes = 120; // how long a session with an idle fee waits for its car to leave
    // [proxy] partners: integration partners' uplinks (docs/proxy.md); "" = none
    std::string partners_file;

    // [store]
    std::size_t max_batch = 1024;

    // [security]
    bool allow_profile_0 = false; // chargers without credentials connect unauthenticated; --dev sets it
    int max_auth_failures = 5;
    std::chrono::seconds auth_failure_window{60};
    std::string signing_ca_cert, signing_ca_key; // sign chargers' CSRs; "" = queue for an external CA
    int certificate_validity_days = 365;
};

// Parses argv (and the --config file it names). Throws std::invalid_argument
// with a one-line message for anything wrong; returns nullopt after --help or
// --version were printed.
std::optional<Settings> load_settings(int argc, char** argv);

} // namespace csms::app
