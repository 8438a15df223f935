// The wss listener as chargers meet it: profile 3 (mutual TLS, CN = charge
// point id), the TLS versions on offer, and the server certificate reloaded
// on SIGHUP. Real handshakes against a real csmsd.
#include "support/charger.hpp"
#include "support/csmsd_process.hpp"
#include "support/test_certs.hpp"
#include "support/test_db.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace csms::test;

namespace {

constexpr int tls1_1 = 0x0302; // TLS1_1_VERSION
constexpr int tls1_2 = 0x0303; // TLS1_2_VERSION

// Refused by TLS itself, with an alert and no HTTP answer. With TLS 1.3 the
// client's side of the handshake completes before the server has judged its
// certificate, so the alert surfaces on the upgrade request instead.
bool refused_by_tls(const ConnectResult& result, const std::string& alert)
{
    return !result.ok && result.http_status != 101 && result.error.find(alert) != std::string::npos;
}

std::int64_t failed_logins(const CsmsdProcess& csmsd, const std::string& id)
{
    TestDb db(csmsd.db_path());
    return db.scalar("SELECT count(*) FROM security_events WHERE charger_id = ? AND "
                     "type = 'FailedToAuthenticateAtCentralSystem' AND source = 'csms' AND "
                     "remote_address = '127.0.0.1'",
                     {id});
}

// The server's key size as `openssl s_client` reports it ("256", "2048"),
// after verifying the chain against the test CA; "" when that failed.
std::string server_key_bits(const TempDir& dir, std::uint16_t port)
{
    static int counter = 0;
    const std::string out = dir.file("s_client-" + std::to_string(counter++) + ".txt");
    int rc = shell("timeout 20 openssl s_client -connect 127.0.0.1:" + std::to_string(port) + " -CAfile " +
                   quoted(test_certs().ca()) + " -verify_return_error </dev/null >" + quoted(out) + " 2>&1");
    std::string text = read_text_file(out);
    const std::string marker = "Server public key is ";
    auto at = text.find(marker);
    if (rc != 0 || at == std::string::npos) {
        UNSCOPED_INFO("openssl s_client exited " << rc << ":\n" << text);
        return {};
    }
    auto begin = at + marker.size();
    return text.substr(begin, text.find(' ', begin) - begin);
}

} // namespace

TEST_CASE("Profile 3: only a CA-signed client certificate whose CN is the charge point id opens a session",
          "[e2e][security]")
{
    TempDir dir;
    const auto& certs = test_certs();
    seed_credentials(dir.file("csms.db"), {{"CP-1", 3, ""}});
    CsmsdProcess csmsd(dir, secure_csmsd(dir));
    REQUIRE(csmsd.wss_port() != 0);
    const auto port = csmsd.wss_port();

    // Its own certificate: upgraded, and served.
    auto good = connect_as(port, "CP-1", mtls_options(certs.client_cert("CP-1"), certs.client_key("CP-1")));
    INFO(describe(good.result));
    REQUIRE(good.result.ok);
    CHECK(good.result.http_status == 101);
    CHECK(good.result.subprotocol == "ocpp1.6");
    CHECK(boot(*good.client) == "Accepted");
    CHECK(is_call_result(good.client->call("Heartbeat", "{}")));

    // A certificate from another CA, or an expired one, fails the handshake.
    for (const auto& [name, alert] : {std::pair<std::string, std::string>{"wrong-ca", "alert unknown ca"},
                                      std::pair<std::string, std::string>{"expired", "alert certificate expired"}}) {
        INFO(name);
        auto tls13 = connect_as(port, "CP-1", mtls_options(certs.test_cert(name), certs.test_key(name)));
        INFO(describe(tls13.result));
        CHECK(refused_by_tls(tls13.result, alert));

        // Over TLS 1.2 the client waits for the server's Finished: the
        // handshake itself fails.
        auto options = mtls_options(certs.test_cert(name), certs.test_key(name));
        options.max_tls_version = tls1_2;
        auto tls12 = connect_as(port, "CP-1", options);
        INFO(describe(tls12.result));
        CHECK(refused_by_tls(tls12.result, alert));
        CHECK(tls12.result.error.rfind("tls:", 0) == 0);
    }
    // The operator's log says so (written just after the alert went out).
    CHECK(wait_until(
        [&] { return occurrences(read_text_file(csmsd.log_path()), "TLS handshake from 127.0.0.1 failed") >= 4; },
        std::chrono::seconds(10)));

    // A valid certificate for someone else: 401.
    auto other = connect_as(port, "CP-1", mtls_options(certs.test_cert("cn-other"), certs.test_key("cn-other")));
    INFO(describe(other.result));
    CHECK_FALSE(other.result.ok);
    CHECK(other.result.http_status == 401);
    auto neighbour = connect_as(port, "CP-1", mtls_options(certs.client_cert("CP-2"), certs.client_key("CP-2")));
    INFO(describe(neighbour.result));
    CHECK(neighbour.result.http_status == 401);

    // No certificate at all: TLS is fine, the charger is not.
    auto anonymous = connect_as(port, "CP-1", wss_options());
    INFO(describe(anonymous.result));
    CHECK_FALSE(anonymous.result.ok);
    CHECK(anonymous.result.http_status == 401);
    // Nor does a password stand in for the certificate.
    auto password = connect_as(port, "CP-1", wss_options(basic_authorization("CP-1", "anything")));
    CHECK(password.result.http_status == 401);

    // The refusals are security events; the session that was let in lives on.
    CHECK(wait_until([&] { return failed_logins(csmsd, "CP-1") == 4; }, std::chrono::seconds(10)));
    CHECK(failed_logins(csmsd, "CP-1") == 4);
    CHECK(is_call_result(good.client->call("Heartbeat", "{}")));
}

TEST_CASE("Profile 3 with [security] crl: a revoked client certificate fails the handshake", "[e2e][security]")
{
    TempDir dir;
    const auto& certs = test_certs();
    seed_credentials(dir.file("csms.db"), {{"CP-1", 3, ""}});
    SecurityConfig config;
    config.crl = true;
    CsmsdProcess csmsd(dir, secure_csmsd(dir, config));
    const auto port = csmsd.wss_port();

    auto revoked = mtls_options(certs.test_cert("revoked"), certs.test_key("revoked"));
    revoked.max_tls_version = tls1_2;
    auto refused = connect_as(port, "CP-1", revoked);
    INFO(describe(refused.result));
    CHECK(refused_by_tls(refused.result, "alert certificate revoked"));
    CHECK(refused.result.error.rfind("tls:", 0) == 0);
    auto refused13 = connect_as(port, "CP-1", mtls_options(certs.test_cert("revoked"), certs.test_key("revoked")));
    INFO(describe(refused13.result));
    CHECK(refused_by_tls(refused13.result, "alert certificate revoked"));

    // The CRL does not stand in the way of the charger's valid certificate.
    auto good = connect_as(port, "CP-1", mtls_options(certs.client_cert("CP-1"), certs.client_key("CP-1")));
    INFO(describe(good.result));
    REQUIRE(good.result.ok);
    CHECK(boot(*good.client) == "Accepted");
}

TEST_CASE("wss offers TLS 1.2 and 1.3 only: a TLS 1.1 client is refused and a TLS 1.2 client served", "[e2e][security]")
{
    TempDir dir;
    const auto& certs = test_certs();
    seed_credentials(dir.file("csms.db"), {{"CP-1", 3, ""}});
    CsmsdProcess csmsd(dir, secure_csmsd(dir));
    const auto port = csmsd.wss_port();

    auto old = mtls_options(certs.client_cert("CP-1"), certs.client_key("CP-1"));
    old.max_tls_version = tls1_1;
    auto refused = connect_as(port, "CP-1", old);
    INFO(describe(refused.result));
    CHECK_FALSE(refused.result.ok);
    CHECK(refused.result.http_status == 0);
    CHECK(refused.result.error.rfind("tls:", 0) == 0);
    CHECK(wait_until(
        [&] {
            return read_text_file(csmsd.log_path()).find("TLS handshake from 127.0.0.1 failed") != std::string::npos;
        },
        std::chrono::seconds(10)));

    auto tls12 = mtls_options(certs.client_cert("CP-1"), certs.client_key("CP-1"));
    tls12.max_tls_version = tls1_2;
    auto served = connect_as(port, "CP-1", tls12);
    INFO(describe(served.result));
    REQUIRE(served.result.ok);
    CHECK(boot(*served.client) == "Accepted");
}

TEST_CASE("SIGHUP reloads the server certificate and connected chargers stay connected", "[e2e][security]")
{
    TempDir dir;
    const auto& certs = test_certs();
    // csmsd reads its own copies, which the test replaces.
    const std::string cert = dir.file("server.crt");
    const std::string key = dir.file("server.key");
    std::filesystem::copy_file(certs.server_cert(), cert);
    std::filesystem::copy_file(certs.server_key(), key);
    seed_credentials(dir.file("csms.db"), {{"CP-1", 3, ""}, {"CP-2", 3, ""}});
    SecurityConfig config;
    config.server_cert = cert;
    config.server_key = key;
    CsmsdProcess csmsd(dir, secure_csmsd(dir, config));
    const auto port = csmsd.wss_port();
    auto reloads = [&] { return occurrences(read_text_file(csmsd.log_path()), "TLS certificate reloaded"); };

    auto charger = connect_as(port, "CP-1", mtls_options(certs.client_cert("CP-1"), certs.client_key("CP-1")));
    INFO(describe(charger.result));
    REQUIRE(charger.result.ok);
    REQUIRE(boot(*charger.client) == "Accepted");
    CHECK(server_key_bits(dir, port) == "256");

    // Same files: the session survives the reload.
    csmsd.signal(SIGHUP);
    REQUIRE(wait_until([&] { return reloads() == 1; }, std::chrono::seconds(10)));
    CHECK(is_call_result(charger.client->call("Heartbeat", "{}")));

    // Renewed as RSA: new handshakes get the new certificate.
    std::filesystem::copy_file(certs.test_cert("server-rsa"), cert, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(certs.test_key("server-rsa"), key, std::filesystem::copy_options::overwrite_existing);
    csmsd.signal(SIGHUP);
    REQUIRE(wait_until([&] { return reloads() == 2; }, std::chrono::seconds(10)));
    CHECK(server_key_bits(dir, port) == "2048");
    // (Another charger: a second connection as CP-1 would replace the first.)
    auto renewed = connect_as(port, "CP-2", mtls_options(certs.client_cert("CP-2"), certs.client_key("CP-2")));
    INFO(describe(renewed.result));
    REQUIRE(renewed.result.ok);
    CHECK(boot(*renewed.client) == "Accepted");

    // The first session still runs on its original handshake.
    CHECK(is_call_result(charger.client->call("Heartbeat", "{}")));
    CHECK(csmsd.running());
}

TEST_CASE("SIGHUP with an unreadable certificate keeps serving the old one", "[e2e][security]")
{
    TempDir dir;
    const auto& certs = test_certs();
    const std::string cert = dir.file("server.crt");
    const std::string key = dir.file("server.key");
    std::filesystem::copy_file(certs.server_cert(), cert);
    std::filesystem::copy_file(certs.server_key(), key);
    seed_credentials(dir.file("csms.db"), {{"CP-1", 3, ""}});
    SecurityConfig config;
    config.server_cert = cert;
    config.server_key = key;
    CsmsdProcess csmsd(dir, secure_csmsd(dir, config));
    const auto port = csmsd.wss_port();

    // A key that does not match the certificate (half-finished renewal).
    std::filesystem::copy_file(certs.test_key("server-rsa"), key, std::filesystem::copy_options::overwrite_existing);
    csmsd.signal(SIGHUP);
    REQUIRE(wait_until([&] { return read_text_file(csmsd.log_path()).find("TLS reload failed") != std::string::npos; },
                       std::chrono::seconds(10)));
    CHECK(csmsd.running());
    CHECK(server_key_bits(dir, port) == "256");
    auto charger = connect_as(port, "CP-1", mtls_options(certs.client_cert("CP-1"), certs.client_key("CP-1")));
    INFO(describe(charger.result));
    REQUIRE(charger.result.ok);
    CHECK(boot(*charger.client) == "Accepted");
}
