#pragma once
// What the TLS end-to-end tests share: a development PKI made once per test
// binary by tools/gen-certs.sh, charger credentials seeded into a database
// before csmsd opens it, a csmsd with a wss listener and a [security]
// configuration, and the client options a charger connects with.
#include "base/clock.hpp"
#include "base/metrics.hpp"
#include "store/charger_store.hpp"
#include "store/credentials_store.hpp"
#include "store/writer.hpp"
#include "support/csmsd_process.hpp"
#include "support/ws_client.hpp"

#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef CSMS_SCHEMA_DIR
#error "CSMS_SCHEMA_DIR must name the schemas folder (tools/ is its sibling)"
#endif

namespace csms::test {

// Runs `command` with /bin/sh; its exit code, or -1 when it did not exit.
inline int shell(const std::string& command)
{
    int status = std::system(command.c_str());
    if (status == -1 || !WIFEXITED(status)) {
        return -1;
    }
    return WEXITSTATUS(status);
}

// "'text'" for /bin/sh; the paths here hold no single quote.
inline std::string quoted(const std::string& text)
{
    return "'" + text + "'";
}

// The gen-certs.sh output (tools/gen-certs.sh --test-material CP-1 CP-2 CP-3).
// Shared by every test of the binary: read it, copy what a test changes.
struct TestCerts {
    std::string dir;

    std::string ca() const { return dir + "/ca.crt"; }
    std::string ca_key() const { return dir + "/ca.key"; }
    std::string server_cert() const { return dir + "/server.crt"; }
    std::string server_key() const { return dir + "/server.key"; }
    std::string client_cert(const std::string& id) const { return dir + "/clients/" + id + ".crt"; }
    std::string client_key(const std::string& id) const { return dir + "/clients/" + id + ".key"; }
    // The CA's CRL, listing test/revoked.crt.
    std::string crl() const { return dir + "/test/ca.crl"; }
    // expired, other-ca, wrong-ca, cn-other, server-rsa, other-host, revoked
    std::string test_cert(const std::string& name) const { return dir + "/test/" + name + ".crt"; }
    std::string test_key(const std::string& name) const { return dir + "/test/" + name + ".key"; }
};

// Made on first use, removed when the test binary exits.
inline const TestCerts& test_certs()
{
    static TempDir root;
    static TestCerts certs;
    static std::once_flag once;
    std::call_once(once, [] {
        const std::string script = std::string(CSMS_SCHEMA_DIR) + "/../tools/gen-certs.sh";
        const std::string dir = root.file("pki");
        const std::string log = root.file("gen-certs.log");
        int rc = shell(quoted(script) + " --dir " + quoted(dir) + " --test-material CP-1 CP-2 CP-3 >" + quoted(log) +
                       " 2>&1");
        if (rc != 0) {
            throw std::runtime_error("gen-certs.sh failed with " + std::to_string(rc) + ":\n" + read_text_file(log));
        }
        certs.dir = dir;
    });
    return certs;
}

// One charger as the operator registers and secures it.
struct ChargerCredentials {
    std::string id;
    int profile = 0;
    std::string authorization_key; // "" = none set
};

// Registers (Accepted) and secures chargers in the database at db_path, as
// the admin API will, before csmsd opens it. Returns once all committed.
inline void seed_credentials(const std::string& db_path, const std::vector<ChargerCredentials>& chargers)
{
    base::Metrics metrics;
    store::Writer writer(db_path, store::Writer::Options{}, metrics);
    const auto now = base::SystemClock().now_utc();
    std::vector<std::future<bool>> committed;
    for (const auto& charger : chargers) {
        auto done = std::make_shared<std::promise<bool>>();
        committed.push_back(done->get_future());
        writer.submit(
            [charger, now](store::Database& db) {
                store::set_registration(db, charger.id, store::Registration::accepted);
                store::set_security_profile(db, charger.id, charger.profile, now);
                if (!charger.authorization_key.empty()) {
                    store::set_authorization_key(db, charger.id, charger.authorization_key, now);
                }
            },
            [done](bool ok) { done->set_value(ok); });
    }
    for (std::size_t i = 0; i < committed.size(); ++i) {
        if (committed[i].wait_for(std::chrono::seconds(30)) != std::future_status::ready || !committed[i].get()) {
            throw std::runtime_error("seeding the credentials of " + chargers[i].id + " failed");
        }
    }
}

// How a test's csmsd is secured. Production policy (no --dev).
struct SecurityConfig {
    bool allow_profile_0 = false;
    // High by default: one test makes many failed attempts from 127.0.0.1.
    int max_auth_failures = 1000;
    bool signing_ca = false; // sign CSRs with the test CA
    bool crl = false;        // check client certificates against the CA's CRL
    std::string server_cert; // "" = the shared server.crt
    std::string server_key;  // "" = the shared server.key
    std::string extra_toml;  // appended inside [security]; may open further tables
};

// A csmsd on the database dir/csms.db with ws and wss on port 0, the test CA
// for client certificates, and [security] from `config`.
inline CsmsdOptions secure_csmsd(const TempDir& dir, const SecurityConfig& config = {})
{
    const auto& certs = test_certs();
    std::string toml = "[security]\n";
    toml += std::string("allow_profile_0 = ") + (config.allow_profile_0 ? "true" : "false") + "\n";
    toml += "max_auth_failures = " + std::to_string(config.max_auth_failures) + "\n";
    if (config.signing_ca) {
        toml += "signing_ca_cert = '" + certs.ca() + "'\n";
        toml += "signing_ca_key = '" + certs.ca_key() + "'\n";
    }
    if (config.crl) {
        toml += "crl = '" + certs.crl() + "'\n";
    }
    toml += config.extra_toml;
    const std::string config_path = dir.file("csmsd-security.toml");
    std::ofstream(config_path) << toml;
    CsmsdOptions options;
    options.dev = false;
    options.db_path = dir.file("csms.db");
    options.extra_args = {"--config",     config_path,
                          "--tls-listen", "127.0.0.1:0",
                          "--cert",       config.server_cert.empty() ? certs.server_cert() : config.server_cert,
                          "--key",        config.server_key.empty() ? certs.server_key() : config.server_key,
                          "--ca",         certs.ca(),
                          "--log-level",  "debug"};
    return options;
}

// wss, the server verified against the test CA; optional Basic credentials.
inline ConnectOptions wss_options(const std::string& authorization = "")
{
    ConnectOptions options;
    options.tls = true;
    options.ca_file = test_certs().ca();
    options.authorization = authorization;
    return options;
}

// wss with a client certificate (profile 3).
inline ConnectOptions mtls_options(const std::string& certificate, const std::string& key)
{
    auto options = wss_options();
    options.client_certificate = certificate;
    options.client_key = key;
    return options;
}

// Plain ws with optional Basic credentials.
inline ConnectOptions ws_options(const std::string& authorization = "")
{
    ConnectOptions options;
    options.authorization = authorization;
    return options;
}

// A connection attempt as charge point `id`: what it got, and the client.
struct Attempt {
    ConnectResult result;
    std::unique_ptr<WsClient> client;
};

inline Attempt connect_as(std::uint16_t port, const std::string& id, const ConnectOptions& options)
{
    Attempt attempt{{}, std::make_unique<WsClient>()};
    attempt.result = attempt.client->connect(port, "/ocpp/" + id, options);
    return attempt;
}

// For INFO/CAPTURE when an assertion about an attempt fails.
inline std::string describe(const ConnectResult& result)
{
    return std::string(result.ok ? "ok" : "refused") + ", HTTP " + std::to_string(result.http_status) + ", error '" +
           result.error + "'";
}

// How often `needle` occurs in `text`.
inline std::size_t occurrences(const std::string& text, const std::string& needle)
{
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) {
        ++n;
    }
    return n;
}

} // namespace csms::test
