// csmsd's settings from its config file: every documented key loads, and a
// key csmsd does not know is refused with its line instead of ignored.
#include "app/settings.hpp"
#include "support/operator_file_text.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <toml++/toml.h>

#include <fstream>
#include <set>
#include <stdexcept>
#include <vector>

using namespace csms::app;
using csms::test::TempDir;
using csms::test::toml_lines;

namespace {

std::optional<Settings> load(const std::string& config_path)
{
    std::vector<std::string> args{"csmsd", "--config", config_path};
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    return load_settings(static_cast<int>(argv.size()), argv.data());
}

// The error for a config file of this text, without the file's folder:
// "csmsd.toml:2: ...", or "accepted".
std::string error_of(const std::string& text)
{
    TempDir dir;
    std::ofstream(dir.file("csmsd.toml")) << text;
    auto message = csms::test::parse_error<std::invalid_argument>([&] { load(dir.file("csmsd.toml")); });
    const std::string folder = dir.path().string() + "/";
    return message.rfind(folder, 0) == 0 ? message.substr(folder.size()) : message;
}

// The ```toml block under "## TOML keys" in docs/configuration.md.
std::string documented_config()
{
    std::ifstream in(std::string(CSMS_SCHEMA_DIR) + "/../docs/configuration.md");
    REQUIRE(in);
    std::string line, block;
    bool in_section = false, in_block = false;
    while (std::getline(in, line)) {
        if (line.rfind("## ", 0) == 0) {
            in_section = line == "## TOML keys";
        } else if (in_section && line == "```toml") {
            in_block = true;
        } else if (in_block && line == "```") {
            return block;
        } else if (in_block) {
            block += line + "\n";
        }
    }
    FAIL("no ```toml block under '## TOML keys' in docs/configuration.md");
    return "";
}

// Every key of a TOML document as a dotted path.
void collect_keys(const toml::table& table, const std::string& prefix, std::set<std::string>& out)
{
    for (auto&& [key, node] : table) {
        std::string path = prefix;
        path.append(prefix.empty() ? "" : ".").append(key.str());
        if (const auto* sub = node.as_table()) {
            collect_keys(*sub, path, out);
        } else {
            out.insert(path);
        }
    }
}

std::set<std::string> keys_of(const std::string& text)
{
    std::set<std::string> out;
    collect_keys(toml::parse(text), "", out);
    return out;
}

} // namespace

TEST_CASE("Settings: a key csmsd does not know is refused with its line and the key meant", "[app][settings]")
{
    // A typo of a top-level key, of a table, of a key in a table.
    CHECK(error_of("lisen = \"0.0.0.0:8180\"\n") == "csmsd.toml:1: unknown key 'lisen' (did you mean 'listen'?)");
    CHECK(error_of(toml_lines({"dev = true", "[polcy]", "unknown_chargers = \"accept\""})) ==
          "csmsd.toml:2: unknown table [polcy] (did you mean 'policy'?)");
    CHECK(error_of(toml_lines({"[ocpp]", "heartbeat_interval = 60"})) ==
          "csmsd.toml:2: unknown key 'heartbeat_interval' in [ocpp] (did you mean 'heartbeat_interval_s'?)");
    CHECK(error_of(toml_lines({"[security]", "max_auth_failure = 3"})) ==
          "csmsd.toml:2: unknown key 'max_auth_failure' in [security] (did you mean 'max_auth_failures'?)");

    // A key under the wrong header, or under none.
    CHECK(error_of("heartbeat_interval_s = 60\n") ==
          "csmsd.toml:1: unknown key 'heartbeat_interval_s' (it belongs in [ocpp])");
    CHECK(error_of(toml_lines({"[ocpp]", "unknown_chargers = \"accept\""})) ==
          "csmsd.toml:2: unknown key 'unknown_chargers' in [ocpp] (it belongs in [policy])");
    CHECK(error_of(toml_lines({"[store]", "max_batch = 10", "db = \"x.db\""})) ==
          "csmsd.toml:3: unknown key 'db' in [store] (it belongs at the top, before the first [table])");
    CHECK(error_of("heartbeat_interval = 60\n") ==
          "csmsd.toml:1: unknown key 'heartbeat_interval' (did you mean 'heartbeat_interval_s' in [ocpp]?)");

    // Nothing near: just the key.
    CHECK(error_of(toml_lines({"[billing]", "tariffs = \"\"", "currency = \"EUR\""})) ==
          "csmsd.toml:3: unknown key 'currency' in [billing]");
    CHECK(error_of("colour = \"blue\"\n") == "csmsd.toml:1: unknown key 'colour'");
}

TEST_CASE("Settings: unknown tables are refused at any depth, and the earliest mistake is named", "[app][settings]")
{
    CHECK(error_of(toml_lines({"[ocpp]", "call_timeout_s = 5", "[ocpp.limits]", "frames = 3"})) ==
          "csmsd.toml:3: unknown table [ocpp.limits]");
    CHECK(error_of(toml_lines({"[ocpp]", "limits = { frames = 3 }"})) == "csmsd.toml:2: unknown table [ocpp.limits]");
    CHECK(error_of(toml_lines({"[polcy.deep.down]", "x = 1"})) ==
          "csmsd.toml:1: unknown table [polcy] (did you mean 'policy'?)");
    CHECK(error_of(toml_lines({"[[ocpp]]", "call_timeout_s = 5"})) ==
          "csmsd.toml:1: ocpp must be a table, written [ocpp]");
    CHECK(error_of("ocpp = 5\n") == "csmsd.toml:1: ocpp must be a table, written [ocpp]");
    CHECK(error_of("\"ocpp.call_timeout_s\" = 5\n") == "csmsd.toml:1: unknown key 'ocpp.call_timeout_s'");
    // Keys are kept sorted, not in file order: the line decides.
    CHECK(error_of(toml_lines({"[store]", "max_bach = 1", "[admin]", "crt = \"a\""})) ==
          "csmsd.toml:2: unknown key 'max_bach' in [store] (did you mean 'max_batch'?)");
    // Dotted keys are the same keys.
    CHECK(error_of("ocpp.heartbeat_intervall_s = 5\n") ==
          "csmsd.toml:1: unknown key 'heartbeat_intervall_s' in [ocpp] (did you mean 'heartbeat_interval_s'?)");
    CHECK(error_of("ocpp.heartbeat_interval_s = 5\n") == "accepted");
}

TEST_CASE("Settings: a bad value names the file and the line", "[app][settings]")
{
    CHECK(error_of(toml_lines({"[ocpp]", "call_timeout_s = \"soon\""})) ==
          "csmsd.toml:2: config key ocpp.call_timeout_s has the wrong type");
    CHECK(error_of(toml_lines({"dev = false", "threads = 300"})) == "csmsd.toml:2: config key threads must be 0-256");
    CHECK(error_of(toml_lines({"[ocpp]", "", "max_connections = -1"})) ==
          "csmsd.toml:3: config key ocpp.max_connections must be 0 (automatic) or positive");
    CHECK(error_of("[ocpp\n").rfind("csmsd.toml:1: invalid TOML: ", 0) == 0);
}

TEST_CASE("Settings: the config in docs/configuration.md loads, and its values are the defaults", "[app][settings]")
{
    TempDir dir;
    std::ofstream(dir.file("csmsd.toml")) << documented_config();
    auto loaded = load(dir.file("csmsd.toml"));
    REQUIRE(loaded);
    const Settings& s = *loaded;
    const Settings defaults;
    CHECK(s.listen.to_string() == defaults.listen.to_string());
    CHECK(s.tls_listen.has_value() == defaults.tls_listen.has_value());
    CHECK(s.cert_file == defaults.cert_file);
    CHECK(s.key_file == defaults.key_file);
    CHECK(s.ca_file == defaults.ca_file);
    CHECK(s.crl_file == defaults.crl_file);
    CHECK(s.admin_listen.to_string() == defaults.admin_listen.to_string());
    CHECK(s.admin_cert_file == defaults.admin_cert_file);
    CHECK(s.admin_key_file == defaults.admin_key_file);
    CHECK(s.db_path == defaults.db_path);
    CHECK(s.schemas_dir == defaults.schemas_dir);
    CHECK(s.dev == defaults.dev);
    CHECK(s.log_level == defaults.log_level);
    CHECK(s.threads == defaults.threads);
    CHECK(s.heartbeat_interval == defaults.heartbeat_interval);
    CHECK(s.boot_retry_interval == defaults.boot_retry_interval);
    CHECK(s.call_timeout == defaults.call_timeout);
    CHECK(s.idle_timeout == defaults.idle_timeout);
    CHECK(s.handshake_timeout == defaults.handshake_timeout);
    CHECK(s.max_frame_bytes == defaults.max_frame_bytes);
    CHECK(s.max_pending_calls == defaults.max_pending_calls);
    CHECK(s.max_connections == defaults.max_connections);
    CHECK(s.unknown_chargers == defaults.unknown_chargers);
    CHECK(s.accept_unknown_id_tags == defaults.accept_unknown_id_tags);
    CHECK(s.rules_file == defaults.rules_file);
    CHECK(s.notifications_file == defaults.notifications_file);
    CHECK(s.statistics == defaults.statistics);
    CHECK(s.statistics_time_zone == defaults.statistics_time_zone);
    CHECK(s.configure_chargers == defaults.configure_chargers);
    CHECK(s.tariffs_file == defaults.tariffs_file);
    CHECK(s.idle_wait_minutes == defaults.idle_wait_minutes);
    CHECK(s.partners_file == defaults.partners_file);
    CHECK(s.max_batch == defaults.max_batch);
    CHECK(s.allow_profile_0 == defaults.allow_profile_0);
    CHECK(s.max_auth_failures == defaults.max_auth_failures);
    CHECK(s.auth_failure_window == defaults.auth_failure_window);
    CHECK(s.signing_ca_cert == defaults.signing_ca_cert);
    CHECK(s.signing_ca_key == defaults.signing_ca_key);
    CHECK(s.certificate_validity_days == defaults.certificate_validity_days);
}

TEST_CASE("Settings: every key of the documented config takes effect", "[app][settings]")
{
    // Each documented key with a value other than its default, so a key that
    // is documented but read under another name fails here.
    const std::string text = toml_lines({
        "listen = \"127.0.0.1:9001\"",
        "tls_listen = \"127.0.0.1:9002\"",
        "cert = \"server.crt\"",
        "key = \"server.key\"",
        "ca = \"ca.crt\"",
        "admin_listen = \"127.0.0.1:9003\"",
        "db = \"other.db\"",
        "schemas = \"schemas2\"",
        "dev = false",
        "log_level = \"debug\"",
        "threads = 3",
        "[admin]",
        "cert = \"admin.crt\"",
        "key = \"admin.key\"",
        "[ocpp]",
        "heartbeat_interval_s = 301",
        "boot_retry_interval_s = 61",
        "call_timeout_s = 31",
        "idle_timeout_s = 302",
        "handshake_timeout_s = 32",
        "max_frame_bytes = 4096",
        "max_pending_calls = 17",
        "max_connections = 18",
        "[policy]",
        "unknown_chargers = \"pending\"",
        "accept_unknown_id_tags = true",
        "[rules]",
        "file = \"rules.toml\"",
        "[notifications]",
        "file = \"notifications.toml\"",
        "[statistics]",
        "enabled = false",
        "time_zone = \"Asia/Shanghai\"",
        "configure_chargers = true",
        "[billing]",
        "tariffs = \"tariffs.toml\"",
        "idle_wait_minutes = 5",
        "[proxy]",
        "partners = \"partners.toml\"",
        "[store]",
        "max_batch = 19",
        "[security]",
        "allow_profile_0 = true",
        "crl = \"ca.crl\"",
        "max_auth_failures = 6",
        "auth_failure_window_s = 62",
        "signing_ca_cert = \"signing.crt\"",
        "signing_ca_key = \"signing.key\"",
        "certificate_validity_days = 30",
    });
    CHECK(keys_of(text) == keys_of(documented_config()));
    TempDir dir;
    std::ofstream(dir.file("csmsd.toml")) << text;
    auto loaded = load(dir.file("csmsd.toml"));
    REQUIRE(loaded);
    const Settings& s = *loaded;
    CHECK(s.listen.to_string() == "127.0.0.1:9001");
    REQUIRE(s.tls_listen);
    CHECK(s.tls_listen->to_string() == "127.0.0.1:9002");
    CHECK(s.cert_file == "server.crt");
    CHECK(s.key_file == "server.key");
    CHECK(s.ca_file == "ca.crt");
    CHECK(s.admin_listen.to_string() == "127.0.0.1:9003");
    CHECK(s.db_path == "other.db");
    CHECK(s.schemas_dir == "schemas2");
    CHECK(s.log_level == "debug");
    CHECK(s.threads == 3);
    CHECK(s.admin_cert_file == "admin.crt");
    CHECK(s.admin_key_file == "admin.key");
    CHECK(s.heartbeat_interval.count() == 301);
    CHECK(s.boot_retry_interval.count() == 61);
    CHECK(s.call_timeout.count() == 31);
    CHECK(s.idle_timeout.count() == 302);
    CHECK(s.handshake_timeout.count() == 32);
    CHECK(s.max_frame_bytes == 4096);
    CHECK(s.max_pending_calls == 17);
    CHECK(s.max_connections == 18);
    CHECK(s.unknown_chargers == "pending");
    CHECK(s.accept_unknown_id_tags);
    CHECK(s.rules_file == "rules.toml");
    CHECK(s.notifications_file == "notifications.toml");
    CHECK_FALSE(s.statistics);
    CHECK(s.statistics_time_zone == "Asia/Shanghai");
    CHECK(s.configure_chargers);
    CHECK(s.tariffs_file == "tariffs.toml");
    CHECK(s.idle_wait_minutes == 5);
    CHECK(s.partners_file == "partners.toml");
    CHECK(s.max_batch == 19);
    CHECK(s.allow_profile_0);
    CHECK(s.crl_file == "ca.crl");
    CHECK(s.max_auth_failures == 6);
    CHECK(s.auth_failure_window.count() == 62);
    CHECK(s.signing_ca_cert == "signing.crt");
    CHECK(s.signing_ca_key == "signing.key");
    CHECK(s.certificate_validity_days == 30);
}
