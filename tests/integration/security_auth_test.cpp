// Security profiles 0-2 as chargers and operators meet them: HTTP Basic auth
// with the AuthorizationKey, no connection below a charger's profile, failed
// attempts recorded and rate-limited, secrets kept out of logs and tables.
#include "support/charger.hpp"
#include "support/csmsd_process.hpp"
#include "support/test_certs.hpp"
#include "support/test_db.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>

using namespace csms::test;

namespace {

const std::string key_1 = "pw-Quokka-4711-secret";
const std::string key_2 = "pw-Numbat-2342-secret";
const std::string wrong_key = "pw-Wombat-0815-wrong";

std::int64_t failed_logins(const CsmsdProcess& csmsd, const std::string& id)
{
    TestDb db(csmsd.db_path());
    return db.scalar("SELECT count(*) FROM security_events WHERE charger_id = ? AND "
                     "type = 'FailedToAuthenticateAtCentralSystem' AND source = 'csms' AND "
                     "remote_address = '127.0.0.1'",
                     {id});
}

// Every cell of security_events, one string.
std::string all_security_events(const CsmsdProcess& csmsd)
{
    TestDb db(csmsd.db_path());
    std::string text;
    for (const auto& row : db.rows("SELECT * FROM security_events")) {
        for (const auto& cell : row) {
            text += cell + "|";
        }
        text += "\n";
    }
    return text;
}

unsigned status_of(std::uint16_t port, const std::string& id, const ConnectOptions& options)
{
    auto attempt = connect_as(port, id, options);
    UNSCOPED_INFO(id << ": " << describe(attempt.result));
    return attempt.result.http_status;
}

} // namespace

TEST_CASE(
    "Profile 1 on ws: the right AuthorizationKey is served and wrong or missing or malformed Basic credentials get 401",
    "[e2e][security]")
{
    TempDir dir;
    seed_credentials(dir.file("csms.db"), {{"CP-1", 1, key_1}});
    CsmsdProcess csmsd(dir, secure_csmsd(dir));
    const auto port = csmsd.ws_port();

    auto good = connect_as(port, "CP-1", ws_options(basic_authorization("CP-1", key_1)));
    INFO(describe(good.result));
    REQUIRE(good.result.ok);
    CHECK(good.result.http_status == 101);
    CHECK(boot(*good.client) == "Accepted");
    good.client->close();

    CHECK(status_of(port, "CP-1", ws_options(basic_authorization("CP-1", wrong_key))) == 401);
    CHECK(status_of(port, "CP-1", ws_options()) == 401);
    CHECK(status_of(port, "CP-1", ws_options("Basic !!!")) == 401);
    CHECK(status_of(port, "CP-1", ws_options("Bearer x")) == 401);
    // The right password under another user name.
    CHECK(status_of(port, "CP-1", ws_options(basic_authorization("CP-9", key_1))) == 401);

    // Each refusal is a security event from the charger's address.
    REQUIRE(wait_until([&] { return failed_logins(csmsd, "CP-1") >= 5; }, std::chrono::seconds(10)));
    CHECK(failed_logins(csmsd, "CP-1") == 5);

    // The refusals changed nothing for the charger that knows its key.
    auto again = connect_as(port, "CP-1", ws_options(basic_authorization("CP-1", key_1)));
    INFO(describe(again.result));
    REQUIRE(again.result.ok);
    CHECK(boot(*again.client) == "Accepted");

    // Neither password, nor the header carrying it, is written anywhere.
    const std::string log = read_text_file(csmsd.log_path());
    const std::string events = all_security_events(csmsd);
    for (const auto& secret : {key_1, wrong_key, basic_authorization("CP-1", key_1).substr(6),
                               basic_authorization("CP-1", wrong_key).substr(6)}) {
        INFO(secret);
        CHECK(log.find(secret) == std::string::npos);
        CHECK(events.find(secret) == std::string::npos);
    }
    TestDb db(csmsd.db_path());
    auto stored = db.rows("SELECT authorization_key_hash FROM charger_credentials WHERE charger_id = 'CP-1'");
    REQUIRE(stored.size() == 1);
    CHECK(stored[0][0].find(key_1) == std::string::npos);
}

TEST_CASE("No connection below the charger's profile: profiles 2 and 3 are refused on plain ws", "[e2e][security]")
{
    TempDir dir;
    const auto& certs = test_certs();
    seed_credentials(dir.file("csms.db"), {{"CP-2", 2, key_2}, {"CP-3", 3, ""}});
    CsmsdProcess csmsd(dir, secure_csmsd(dir));

    // Profile 2: the right password is not enough without TLS.
    CHECK(status_of(csmsd.ws_port(), "CP-2", ws_options(basic_authorization("CP-2", key_2))) == 401);
    auto secure = connect_as(csmsd.wss_port(), "CP-2", wss_options(basic_authorization("CP-2", key_2)));
    INFO(describe(secure.result));
    REQUIRE(secure.result.ok);
    CHECK(boot(*secure.client) == "Accepted");
    // ...and TLS is not enough without the password.
    CHECK(status_of(csmsd.wss_port(), "CP-2", wss_options(basic_authorization("CP-2", wrong_key))) == 401);
    CHECK(status_of(csmsd.wss_port(), "CP-2", wss_options()) == 401);

    // Profile 3 on plain ws, with or without a password.
    CHECK(status_of(csmsd.ws_port(), "CP-3", ws_options()) == 401);
    CHECK(status_of(csmsd.ws_port(), "CP-3", ws_options(basic_authorization("CP-3", key_2))) == 401);
    auto mtls = connect_as(csmsd.wss_port(), "CP-3", mtls_options(certs.client_cert("CP-3"), certs.client_key("CP-3")));
    INFO(describe(mtls.result));
    REQUIRE(mtls.result.ok);
    CHECK(boot(*mtls.client) == "Accepted");

    REQUIRE(wait_until([&] { return failed_logins(csmsd, "CP-2") >= 3 && failed_logins(csmsd, "CP-3") >= 2; },
                       std::chrono::seconds(10)));
    CHECK(failed_logins(csmsd, "CP-2") == 3);
    CHECK(failed_logins(csmsd, "CP-3") == 2);
    CHECK(is_call_result(secure.client->call("Heartbeat", "{}")));
}

TEST_CASE("Rate limit: after max_auth_failures wrong passwords guesses are refused unchecked but a key verified before "
          "still gets in",
          "[e2e][security]")
{
    TempDir dir;
    seed_credentials(dir.file("csms.db"), {{"CP-1", 1, key_1}, {"CP-2", 1, key_2}});
    SecurityConfig config;
    config.max_auth_failures = 3;
    config.extra_toml = "auth_failure_window_s = 600\n"; // still [security]
    CsmsdProcess csmsd(dir, secure_csmsd(dir, config));
    const auto port = csmsd.ws_port();

    auto before = connect_as(port, "CP-1", ws_options(basic_authorization("CP-1", key_1)));
    INFO(describe(before.result));
    REQUIRE(before.result.ok);
    before.client->close();

    for (int i = 0; i < 3; ++i) {
        CHECK(status_of(port, "CP-1", ws_options(basic_authorization("CP-1", wrong_key))) == 401);
    }
    // An attacker guessing cannot keep the real charger out: its key was
    // verified before, which costs no hash to recognise.
    CHECK(status_of(port, "CP-1", ws_options(basic_authorization("CP-1", key_1))) == 101);
    CHECK(status_of(port, "CP-1", ws_options(basic_authorization("CP-1", wrong_key))) == 401);
    // Limited per address too: the same host cannot try the next id.
    CHECK(status_of(port, "CP-2", ws_options(basic_authorization("CP-2", key_2))) == 401);

    // The operator sees the three failures and the notice of the limit.
    TestDb db(csmsd.db_path());
    REQUIRE(wait_until(
        [&] {
            return db.scalar("SELECT count(*) FROM security_events WHERE charger_id = 'CP-1' AND "
                             "tech_info LIKE 'rate limited%'") >= 1;
        },
        std::chrono::seconds(10)));
    CHECK(db.scalar("SELECT count(*) FROM security_events WHERE charger_id = 'CP-1' AND "
                    "tech_info = 'wrong AuthorizationKey'") == 3);
    CHECK(csmsd.running());
}

TEST_CASE("Profile 0 is refused unless [security] allow_profile_0 = true", "[e2e][security]")
{
    TempDir dir;
    seed_credentials(dir.file("csms.db"), {{"CP-0", 0, ""}});
    SECTION("not allowed")
    {
        CsmsdProcess csmsd(dir, secure_csmsd(dir));
        CHECK(status_of(csmsd.ws_port(), "CP-0", ws_options()) == 401);
        CHECK(status_of(csmsd.wss_port(), "CP-0", wss_options()) == 401);
        // Nobody registered that id: no credentials, treated as profile 0.
        CHECK(status_of(csmsd.ws_port(), "STRANGER-1", ws_options()) == 401);
        REQUIRE(wait_until([&] { return failed_logins(csmsd, "CP-0") >= 2; }, std::chrono::seconds(10)));
        CHECK(failed_logins(csmsd, "CP-0") == 2);
    }
    SECTION("allowed")
    {
        SecurityConfig config;
        config.allow_profile_0 = true;
        CsmsdProcess csmsd(dir, secure_csmsd(dir, config));
        auto charger = connect_as(csmsd.ws_port(), "CP-0", ws_options());
        INFO(describe(charger.result));
        REQUIRE(charger.result.ok);
        CHECK(boot(*charger.client) == "Accepted");
    }
}
