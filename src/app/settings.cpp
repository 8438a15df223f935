#include "app/settings.hpp"

#include "app/config_file.hpp"

#include <CLI/CLI.hpp>

#include <iostream>
#include <stdexcept>

namespace csms::app {
namespace {

template <class T> void read(ConfigFile& file, std::string_view path, T& out)
{
    const toml::node* node = file.find(path);
    if (node == nullptr) {
        return;
    }
    if (auto value = node->value<T>()) {
        out = *value;
    } else {
        file.fail(path, "has the wrong type");
    }
}

void read_seconds(ConfigFile& file, std::string_view path, std::chrono::seconds& out)
{
    std::int64_t seconds = out.count();
    read(file, path, seconds);
    if (seconds <= 0) {
        file.fail(path, "must be a positive number of seconds");
    }
    out = std::chrono::seconds{seconds};
}

void read_size(ConfigFile& file, std::string_view path, std::size_t& out)
{
    std::int64_t value = static_cast<std::int64_t>(out);
    read(file, path, value);
    if (value <= 0) {
        file.fail(path, "must be positive");
    }
    out = static_cast<std::size_t>(value);
}

void read_int(ConfigFile& file, std::string_view path, int& out, int min, int max)
{
    std::int64_t value = out;
    read(file, path, value);
    if (value < min || value > max) {
        std::string range = std::to_string(min);
        file.fail(path, "must be " + range.append("-").append(std::to_string(max)));
    }
    out = static_cast<int>(value);
}

void read_host_port(ConfigFile& file, std::string_view path, HostPort& out)
{
    std::string text;
    read(file, path, text);
    if (!text.empty()) {
        out = parse_host_port(text);
    }
}

void apply_file(const std::string& path, Settings& s)
{
    ConfigFile file(path);
    read_host_port(file, "listen", s.listen);
    std::string tls;
    read(file, "tls_listen", tls);
    if (!tls.empty()) {
        s.tls_listen = parse_host_port(tls);
    }
    read(file, "cert", s.cert_file);
    read(file, "key", s.key_file);
    read(file, "ca", s.ca_file);
    read(file, "security.crl", s.crl_file);
    read_host_port(file, "admin_listen", s.admin_listen);
    read(file, "admin.cert", s.admin_cert_file);
    read(file, "admin.key", s.admin_key_file);
    read(file, "db", s.db_path);
    read(file, "schemas", s.schemas_dir);
    read(file, "dev", s.dev);
    read(file, "log_level", s.log_level);
    int threads = static_cast<int>(s.threads);
    read_int(file, "threads", threads, 0, 256);
    s.threads = static_cast<unsigned>(threads);
    read_seconds(file, "ocpp.heartbeat_interval_s", s.heartbeat_interval);
    read_seconds(file, "ocpp.boot_retry_interval_s", s.boot_retry_interval);
    read_seconds(file, "ocpp.call_timeout_s", s.call_timeout);
    read_seconds(file, "ocpp.idle_timeout_s", s.idle_timeout);
    read_seconds(file, "ocpp.handshake_timeout_s", s.handshake_timeout);
    read_size(file, "ocpp.max_frame_bytes", s.max_frame_bytes);
    read_size(file, "ocpp.max_pending_calls", s.max_pending_calls);
    std::int64_t max_connections = static_cast<std::int64_t>(s.max_connections);
    read(file, "ocpp.max_connections", max_connections);
    if (max_connections < 0) {
        file.fail("ocpp.max_connections", "must be 0 (automatic) or positive");
    }
    s.max_connections = static_cast<std::size_t>(max_connections);
    read(file, "policy.unknown_chargers", s.unknown_chargers);
    read(file, "policy.accept_unknown_id_tags", s.accept_unknown_id_tags);
    read_size(file, "store.max_batch", s.max_batch);
    read(file, "rules.file", s.rules_file);
    read(file, "notifications.file", s.notifications_file);
    read(file, "statistics.enabled", s.statistics);
    read(file, "statistics.time_zone", s.statistics_time_zone);
    read(file, "statistics.configure_chargers", s.configure_chargers);
    read(file, "billing.tariffs", s.tariffs_file);
    read_int(file, "billing.idle_wait_minutes", s.idle_wait_minutes, 0, 7 * 24 * 60);
    read(file, "proxy.partners", s.partners_file);
    read(file, "security.allow_profile_0", s.allow_profile_0);
    read_int(file, "security.max_auth_failures", s.max_auth_failures, 1, 1000);
    read_seconds(file, "security.auth_failure_window_s", s.auth_failure_window);
    read(file, "security.signing_ca_cert", s.signing_ca_cert);
    read(file, "security.signing_ca_key", s.signing_ca_key);
    read_int(file, "security.certificate_validity_days", s.certificate_validity_days, 1, 3650);
    // After every read: the keys read are the keys known.
    file.refuse_unknown_keys();
}

void check(const Settings& s)
{
    if (s.unknown_chargers != "reject" && s.unknown_chargers != "pending" && s.unknown_chargers != "accept") {
        throw std::invalid_argument("policy.unknown_chargers must be reject, pending or accept");
    }
    if (!s.crl_file.empty() && s.ca_file.empty()) {
        throw std::invalid_argument("security.crl needs --ca, the CA whose revocations it lists");
    }
    if (s.signing_ca_cert.empty() != s.signing_ca_key.empty()) {
        throw std::invalid_argument("security.signing_ca_cert and security.signing_ca_key go together");
    }
    if (s.admin_cert_file.empty() != s.admin_key_file.empty()) {
        throw std::invalid_argument("admin.cert and admin.key go together");
    }
    if (s.tls_listen && (s.cert_file.empty() || s.key_file.empty())) {
        throw std::invalid_argument("--tls-listen needs --cert and --key");
    }
    if (s.max_frame_bytes < 1024 || s.max_frame_bytes > 16 * 1024 * 1024) {
        throw std::invalid_argument("ocpp.max_frame_bytes must be between 1024 and 16777216");
    }
}

} // namespace

HostPort parse_host_port(const std::string& text)
{
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
        throw std::invalid_argument("'" + text + "' is not HOST:PORT");
    }
    std::string host = text.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    std::string port_text = text.substr(colon + 1);
    if (port_text.find_first_not_of("0123456789") != std::string::npos || port_text.size() > 5 ||
        std::stoul(port_text) > 65535) {
        throw std::invalid_argument("'" + text + "': port must be 0-65535");
    }
    return HostPort{host, static_cast<std::uint16_t>(std::stoul(port_text))};
}

std::optional<Settings> load_settings(int argc, char** argv)
{
    CLI::App cli{"csmsd: OCPP 1.6J central system"};
    std::string config, listen, tls_listen, admin_listen, db, log_level, schemas, cert, key, ca;
    std::string bootstrap_admin, token_file;
    std::int64_t max_connections = -1;
    bool dev = false;
    bool version = false;
    // The last occurrence wins, so wrappers such as tools/run.sh can give
    // defaults that the caller's own flags override.
    cli.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    cli.add_option("--config", config, "TOML configuration file")->check(CLI::ExistingFile);
    cli.add_option("--listen", listen, "ws listener HOST:PORT (default 0.0.0.0:8180; port 0 = any)");
    cli.add_option("--tls-listen", tls_listen, "wss listener HOST:PORT (needs --cert/--key)");
    cli.add_option("--cert", cert, "server certificate (PEM)");
    cli.add_option("--key", key, "server private key (PEM)");
    cli.add_option("--ca", ca, "CA bundle for client certificates (PEM)");
    cli.add_option("--admin-listen", admin_listen, "admin API HOST:PORT (default 127.0.0.1:8181)");
    cli.add_option("--db", db, "SQLite file (default var/csms.db)");
    cli.add_option("--schemas", schemas, "folder of OCPP 1.6 JSON schemas");
    cli.add_option("--max-connections", max_connections,
                   "charger sessions at once across ws and wss; more get 503 (0 = open-files limit - 500)")
        ->check(CLI::NonNegativeNumber);
    cli.add_flag("--dev", dev, "accept unknown chargers and unknown id tags");
    cli.add_option("--log-level", log_level, "trace|debug|info|warn|error");
    cli.add_flag("--version", version, "print the version and exit");
    cli.add_option("--bootstrap-admin", bootstrap_admin,
                   "create the first admin operator NAME in --db, write its token to --token-file, and exit");
    cli.add_option("--token-file", token_file, "where --bootstrap-admin writes the token (created with mode 0600)");
    try {
        cli.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        std::cout << cli.help();
        return std::nullopt;
    } catch (const CLI::ParseError& e) {
        throw std::invalid_argument(e.what());
    }
    if (version) {
        std::cout << "csmsd " << CSMS_VERSION << "\n";
        return std::nullopt;
    }

    Settings s;
    if (!config.empty()) {
        apply_file(config, s);
    }
    if (!listen.empty()) s.listen = parse_host_port(listen);
    if (!tls_listen.empty()) s.tls_listen = parse_host_port(tls_listen);
    if (!admin_listen.empty()) s.admin_listen = parse_host_port(admin_listen);
    if (!cert.empty()) s.cert_file = cert;
    if (!key.empty()) s.key_file = key;
    if (!ca.empty()) s.ca_file = ca;
    if (!db.empty()) s.db_path = db;
    if (!schemas.empty()) s.schemas_dir = schemas;
    if (!log_level.empty()) s.log_level = log_level;
    if (max_connections >= 0) s.max_connections = static_cast<std::size_t>(max_connections);
    if (dev) {
        s.dev = true;
    }
    s.bootstrap_admin = bootstrap_admin;
    s.token_file = token_file;
    if (!s.bootstrap_admin.empty() && s.token_file.empty()) {
        throw std::invalid_argument("--bootstrap-admin needs --token-file, where the token is written");
    }
    if (s.dev) {
        s.allow_profile_0 = true;
    }
    check(s);
    return s;
}

} // namespace csms::app
