#include "csms/charger_authorizer.hpp"

#include "base/clock.hpp"
#include "base/password_hash.hpp"
#include "store/charger_store.hpp"
#include "store/credentials_store.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using csms::ChargerAuthorizer;
using csms::SecurityPolicy;
using csms::net::UpgradeRequest;
using csms::net::UpgradeVerdict;
using namespace std::chrono_literals;

namespace {

constexpr auto accept = UpgradeVerdict::accept;
constexpr auto unauthorized = UpgradeVerdict::unauthorized;

std::string basic(const std::string& user, const std::string& password)
{
    return "Basic " + csms::base::base64_encode(user + ":" + password);
}

// Captures what the default logger writes while it lives.
class LogCapture {
public:
    LogCapture() : previous_(spdlog::default_logger())
    {
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
        auto logger = std::make_shared<spdlog::logger>("capture", sink);
        logger->set_level(spdlog::level::trace);
        spdlog::set_default_logger(logger);
    }
    ~LogCapture() { spdlog::set_default_logger(previous_); }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;
    std::string text() const { return out_.str(); }

private:
    std::shared_ptr<spdlog::logger> previous_;
    std::ostringstream out_;
};

// A migrated SQLite file, an authorizer reading it, and the events it reports.
class Fixture {
public:
    explicit Fixture(SecurityPolicy policy = {}) : policy_(policy) { csms::store::migrate(db_); }

    // Registers the charger at a profile; a key is stored with few PBKDF2
    // iterations (the cost is not under test here).
    void secure(const std::string& id, int profile, std::optional<std::string> key = std::nullopt)
    {
        csms::store::set_registration(db_, id, csms::store::Registration::accepted);
        csms::store::set_security_profile(db_, id, profile, clock_.now_utc());
        if (key) {
            store_hash(id, csms::base::hash_secret(*key, 1000));
        }
    }

    void store_hash(const std::string& id, const std::string& hash)
    {
        auto& statement =
            db_.cached("UPDATE charger_credentials SET authorization_key_hash = ?2 WHERE charger_id = ?1");
        statement.bind(1, id);
        statement.bind(2, hash);
        statement.execute();
    }

    UpgradeVerdict attempt(UpgradeRequest request)
    {
        int calls = 0;
        std::optional<UpgradeVerdict> verdict;
        authorizer().authorize(request, [&](UpgradeVerdict v) {
            ++calls;
            verdict = v;
        });
        REQUIRE(calls == 1); // decided inline, exactly once
        return *verdict;
    }

    UpgradeVerdict attempt(const std::string& id, bool tls, std::string authorization = "",
                           std::optional<std::string> cn = std::nullopt, std::string address = "192.0.2.1")
    {
        return attempt(UpgradeRequest{id, std::move(address), tls, std::move(authorization), std::move(cn)});
    }

    ChargerAuthorizer& authorizer()
    {
        if (!authorizer_) {
            authorizer_ = std::make_unique<ChargerAuthorizer>(
                path_, policy_, clock_, [this](csms::store::SecurityEventRecord e) { events.push_back(std::move(e)); });
        }
        return *authorizer_;
    }

    csms::store::Database& db() { return db_; }
    csms::base::ManualClock& clock() { return clock_; }

    std::vector<csms::store::SecurityEventRecord> events;

private:
    csms::test::TempDir dir_;
    std::string path_ = dir_.file("csms.db");
    csms::store::Database db_{path_};
    csms::base::ManualClock clock_;
    SecurityPolicy policy_;
    std::unique_ptr<ChargerAuthorizer> authorizer_;
};

SecurityPolicy allow_profile_0()
{
    SecurityPolicy policy;
    policy.allow_profile_0 = true;
    return policy;
}

} // namespace

TEST_CASE("Profile 0: a charger without credentials is refused unless the policy allows it", "[csms][security]")
{
    SECTION("refused by default, on ws and wss")
    {
        Fixture f;
        CHECK(f.attempt("CP-1", false) == unauthorized);
        CHECK(f.attempt("CP-1", true) == unauthorized);
        REQUIRE(f.events.size() == 2);
        CHECK(f.events[0].charger_id == "CP-1");
    }
    SECTION("accepted with allow_profile_0, on ws and wss, whatever it presents")
    {
        Fixture f(allow_profile_0());
        CHECK(f.attempt("CP-1", false) == accept);
        CHECK(f.attempt("CP-1", true, basic("CP-1", "anything"), "CP-1") == accept);
        CHECK(f.events.empty());
    }
}

TEST_CASE("Profile 0: a charger stored at profile 0 follows the policy too", "[csms][security]")
{
    Fixture refused;
    refused.secure("CP-1", 0);
    CHECK(refused.attempt("CP-1", false) == unauthorized);

    Fixture allowed(allow_profile_0());
    allowed.secure("CP-1", 0);
    CHECK(allowed.attempt("CP-1", false) == accept);
}

TEST_CASE("Profile 1: Basic auth with the right AuthorizationKey is accepted", "[csms][security]")
{
    Fixture f;
    csms::store::set_registration(f.db(), "CP-1", csms::store::Registration::accepted);
    csms::store::set_security_profile(f.db(), "CP-1", 1, f.clock().now_utc());
    csms::store::set_authorization_key(f.db(), "CP-1", "0123456789abcdefABCD", f.clock().now_utc()); // real cost
    CHECK(f.attempt("CP-1", false, basic("CP-1", "0123456789abcdefABCD")) == accept);
    CHECK(f.attempt("CP-1", true, basic("CP-1", "0123456789abcdefABCD")) == accept); // above its profile is fine
    CHECK(f.attempt("CP-1", false, "bAsIc " + csms::base::base64_encode("CP-1:0123456789abcdefABCD")) == accept);
    CHECK(f.events.empty());
}

TEST_CASE("Profile 1: a password containing ':' is split at the first ':' only", "[csms][security]")
{
    Fixture f;
    f.secure("CP-1", 1, "pass:with:colons");
    CHECK(f.attempt("CP-1", false, basic("CP-1", "pass:with:colons")) == accept);
}

TEST_CASE("Profile 1: wrong, missing or malformed credentials are refused", "[csms][security]")
{
    Fixture f;
    f.secure("CP-1", 1, "right-key-0123456");
    auto header = GENERATE(as<std::string>{},
                           "",                                                              // missing
                           basic("CP-1", "wrong-key-0123456"),                              // wrong password
                           basic("CP-1", ""),                                               // empty password
                           basic("CP-2", "right-key-0123456"),                              // wrong user
                           basic("cp-1", "right-key-0123456"),                              // user is exact
                           "Basic " + csms::base::base64_encode("CP-1right-key-0123456"),   // no colon
                           "Basic",                                                         // no credentials
                           "Basic ",                                                        // empty credentials
                           "Basic" + csms::base::base64_encode("CP-1:right-key-0123456"),   // no space
                           "Bearer " + csms::base::base64_encode("CP-1:right-key-0123456"), // other scheme
                           "Basic Q1AtMTpyaWdodC1rZXktMDEyMzQ1Ng",                          // padding missing
                           "Basic Q1AtMTpyaWdodC1rZXktMDEyMzQ1Ng==x",                       // trailing junk
                           "Basic Q1AtMTpy aWdodC1rZXktMDEyMzQ1Ng==",                       // inner space
                           "CP-1:right-key-0123456");                                       // not encoded
    CAPTURE(header);
    CHECK(f.attempt("CP-1", false, header) == unauthorized);
    REQUIRE(f.events.size() == 1);
}

TEST_CASE("Profile 1: a charger without a stored AuthorizationKey is refused", "[csms][security]")
{
    Fixture f;
    f.secure("CP-1", 1);
    CHECK(f.attempt("CP-1", false, basic("CP-1", "")) == unauthorized);
    CHECK(f.attempt("CP-1", false, basic("CP-1", "guess")) == unauthorized);
}

TEST_CASE("Profile 2: Basic auth is accepted only over TLS", "[csms][security]")
{
    Fixture f;
    f.secure("CP-1", 2, "right-key-0123456");
    CHECK(f.attempt("CP-1", false, basic("CP-1", "right-key-0123456")) == unauthorized); // downgrade to ws
    CHECK(f.attempt("CP-1", true, basic("CP-1", "right-key-0123456")) == accept);
    CHECK(f.attempt("CP-1", true, basic("CP-1", "wrong-key-0123456")) == unauthorized);
    CHECK(f.attempt("CP-1", true) == unauthorized);
    // A client certificate does not replace the password at profile 2.
    CHECK(f.attempt("CP-1", true, "", "CP-1") == unauthorized);
}

TEST_CASE("Profile 3: TLS with a client certificate whose CN is the charge point id", "[csms][security]")
{
    Fixture f;
    f.secure("CP-1", 3);
    CHECK(f.attempt("CP-1", true, "", "CP-1") == accept);
    CHECK(f.attempt("CP-1", true, "", "OTHER") == unauthorized); // CN mismatch
    CHECK(f.attempt("CP-1", true, "", "cp-1") == unauthorized);  // CN is exact
    CHECK(f.attempt("CP-1", true) == unauthorized);              // no certificate
    CHECK(f.attempt("CP-1", false, "", "CP-1") == unauthorized); // not TLS
    REQUIRE(f.events.size() == 4);
    CHECK(f.events[0].tech_info == "client certificate CN mismatch");
    CHECK(f.events[2].tech_info == "no client certificate");
    CHECK(f.events[3].tech_info == "profile 3 requires TLS");
}

TEST_CASE("Security profiles: a charger never connects below its profile", "[csms][security]")
{
    auto policy = allow_profile_0(); // even where profile 0 is allowed for others
    policy.max_failures = 0;         // no rate limit: every attempt is checked
    Fixture f(policy);
    f.secure("CP-1", 1, "key-1-0123456789");
    f.secure("CP-2", 2, "key-2-0123456789");
    f.secure("CP-3", 3, "key-3-0123456789");
    CHECK(f.attempt("CP-1", false) == unauthorized);                                    // 1 → 0
    CHECK(f.attempt("CP-2", false) == unauthorized);                                    // 2 → 0
    CHECK(f.attempt("CP-2", false, basic("CP-2", "key-2-0123456789")) == unauthorized); // 2 → 1
    CHECK(f.attempt("CP-3", false) == unauthorized);                                    // 3 → 0
    CHECK(f.attempt("CP-3", false, basic("CP-3", "key-3-0123456789")) == unauthorized); // 3 → 1
    CHECK(f.attempt("CP-3", true, basic("CP-3", "key-3-0123456789")) == unauthorized);  // 3 → 2
    CHECK(f.attempt("CP-4", false) == accept); // no credentials: profile 0, allowed here
}

TEST_CASE("Security profiles: every refusal is a security event without the password", "[csms][security]")
{
    Fixture f;
    f.secure("CP-1", 1, "TopSecretKey12345");
    LogCapture log;
    CHECK(f.attempt("CP-1", false, basic("CP-1", "WrongSecretKey999"), std::nullopt, "198.51.100.9") == unauthorized);
    CHECK(f.attempt("CP-1", false, basic("CP-1", "TopSecretKey12345"), std::nullopt, "198.51.100.9") == accept);

    REQUIRE(f.events.size() == 1);
    const auto& event = f.events[0];
    CHECK(event.charger_id == "CP-1");
    CHECK(event.type == "FailedToAuthenticateAtCentralSystem");
    CHECK(event.source == "csms");
    CHECK_FALSE(event.critical);
    CHECK(event.remote_address == "198.51.100.9");
    CHECK(event.tech_info == "wrong AuthorizationKey");
    CHECK(event.timestamp == std::nullopt);
    CHECK(event.received_at == f.clock().now_utc());

    // Stored as the writer would store it, nothing secret reaches a row...
    csms::store::record_security_event(f.db(), event);
    auto& dump =
        f.db().cached("SELECT charger_id || type || tech_info || source || remote_address FROM security_events");
    csms::store::ResetGuard guard(dump);
    REQUIRE(dump.step());
    auto row = dump.column_text(0);
    // ...nor a log line: neither password, nor the header that carries one.
    auto text = log.text();
    CHECK(text.find("CP-1") != std::string::npos);
    CHECK(text.find("198.51.100.9") != std::string::npos);
    CHECK(text.find("wrong AuthorizationKey") != std::string::npos);
    const std::vector<std::string> secrets = {"WrongSecretKey999", "TopSecretKey12345",
                                              csms::base::base64_encode("CP-1:WrongSecretKey999")};
    for (const auto& secret : secrets) {
        CAPTURE(secret);
        CHECK(row.find(secret) == std::string::npos);
        CHECK(text.find(secret) == std::string::npos);
        CHECK(event.tech_info->find(secret) == std::string::npos);
    }
}

TEST_CASE("Rate limit: after max_failures per charger id, even the right key is refused until the window passes",
          "[csms][security]")
{
    SecurityPolicy policy;
    policy.max_failures = 3;
    policy.failure_window = 60s;
    Fixture f(policy);
    f.secure("CP-1", 1, "right-key-0123456");
    LogCapture log;
    // Each from another address, so only the per-id count can trip.
    for (int i = 0; i < 3; ++i) {
        CHECK(f.attempt("CP-1", false, basic("CP-1", "wrong"), std::nullopt, "192.0.2." + std::to_string(i)) ==
              unauthorized);
        f.clock().advance(1s);
    }
    CHECK(f.events.size() == 3);
    CHECK(f.attempt("CP-1", false, basic("CP-1", "right-key-0123456"), std::nullopt, "192.0.2.50") == unauthorized);
    REQUIRE(f.events.size() == 4);
    CHECK(f.events[3].tech_info == "rate limited: too many failures for this charger id");
    CHECK(f.events[3].remote_address == "192.0.2.50");

    // Noticed once per window, not once per attempt.
    for (int i = 0; i < 10; ++i) {
        CHECK(f.attempt("CP-1", false, basic("CP-1", "right-key-0123456"), std::nullopt, "192.0.2.51") == unauthorized);
    }
    CHECK(f.events.size() == 4);
    std::string text = log.text();
    std::size_t notices = 0;
    for (auto at = text.find("rate limited"); at != std::string::npos; at = text.find("rate limited", at + 1)) {
        ++notices;
    }
    CHECK(notices == 1);

    // Other chargers are not affected.
    f.secure("CP-2", 1, "key-2-0123456789");
    CHECK(f.attempt("CP-2", false, basic("CP-2", "key-2-0123456789"), std::nullopt, "192.0.2.52") == accept);

    // 60 s after the first of the three failures the limit lifts.
    f.clock().advance(56s); // t = 59 s
    CHECK(f.attempt("CP-1", false, basic("CP-1", "right-key-0123456"), std::nullopt, "192.0.2.53") == unauthorized);
    f.clock().advance(1s); // t = 60 s
    CHECK(f.attempt("CP-1", false, basic("CP-1", "right-key-0123456"), std::nullopt, "192.0.2.53") == accept);
}

TEST_CASE("Rate limit: after max_failures from one address, every charger id from it is refused", "[csms][security]")
{
    SecurityPolicy policy;
    policy.max_failures = 2;
    policy.failure_window = 30s;
    Fixture f(policy);
    f.secure("CP-1", 1, "key-1-0123456789");
    CHECK(f.attempt("guess-1", false, basic("guess-1", "x"), std::nullopt, "203.0.113.5") == unauthorized);
    CHECK(f.attempt("guess-2", false, basic("guess-2", "x"), std::nullopt, "203.0.113.5") == unauthorized);
    CHECK(f.attempt("CP-1", false, basic("CP-1", "key-1-0123456789"), std::nullopt, "203.0.113.5") == unauthorized);
    CHECK(f.events.back().tech_info == "rate limited: too many failures from this address");
    CHECK(f.attempt("CP-1", false, basic("CP-1", "key-1-0123456789"), std::nullopt, "203.0.113.6") == accept);
    f.clock().advance(30s);
    CHECK(f.attempt("CP-1", false, basic("CP-1", "key-1-0123456789"), std::nullopt, "203.0.113.5") == accept);
}

TEST_CASE("Rate limit: failures older than the window do not count", "[csms][security]")
{
    SecurityPolicy policy;
    policy.max_failures = 2;
    policy.failure_window = 10s;
    Fixture f(policy);
    f.secure("CP-1", 1, "key-1-0123456789");
    CHECK(f.attempt("CP-1", false, basic("CP-1", "x")) == unauthorized);
    f.clock().advance(10s);
    CHECK(f.attempt("CP-1", false, basic("CP-1", "x")) == unauthorized);
    CHECK(f.attempt("CP-1", false, basic("CP-1", "key-1-0123456789")) == accept); // one failure in the window
}

TEST_CASE("Verification cache: a changed stored key takes effect at once", "[csms][security]")
{
    Fixture f;
    f.secure("CP-1", 1, "old-key-0123456789");
    CHECK(f.attempt("CP-1", false, basic("CP-1", "old-key-0123456789")) == accept);
    CHECK(f.attempt("CP-1", false, basic("CP-1", "old-key-0123456789")) == accept); // from the cache

    f.store_hash("CP-1", csms::base::hash_secret("new-key-0123456789", 1000)); // rotation
    CHECK(f.attempt("CP-1", false, basic("CP-1", "old-key-0123456789")) == unauthorized);
    CHECK(f.attempt("CP-1", false, basic("CP-1", "new-key-0123456789")) == accept);

    // A fresh hash of the same key (new salt) verifies again.
    f.store_hash("CP-1", csms::base::hash_secret("new-key-0123456789", 1000));
    CHECK(f.attempt("CP-1", false, basic("CP-1", "new-key-0123456789")) == accept);
    CHECK(f.attempt("CP-1", false, basic("CP-1", "wrong-key-012345678")) == unauthorized);
}

TEST_CASE("Security profiles: a change of profile takes effect at the next connection", "[csms][security]")
{
    Fixture f;
    f.secure("CP-1", 1, "key-1-0123456789");
    CHECK(f.attempt("CP-1", false, basic("CP-1", "key-1-0123456789")) == accept);
    csms::store::set_security_profile(f.db(), "CP-1", 2, f.clock().now_utc());
    CHECK(f.attempt("CP-1", false, basic("CP-1", "key-1-0123456789")) == unauthorized);
    CHECK(f.attempt("CP-1", true, basic("CP-1", "key-1-0123456789")) == accept);
}

TEST_CASE("ChargerAuthorizer: an unreadable database refuses instead of throwing", "[csms][security]")
{
    Fixture f(allow_profile_0());
    auto net_authorizer = f.authorizer().as_net_authorizer();
    f.db().exec("DROP TABLE charger_credentials");
    int calls = 0;
    std::optional<UpgradeVerdict> verdict;
    net_authorizer(UpgradeRequest{"CP-1", "192.0.2.1", false, "", std::nullopt}, [&](UpgradeVerdict v) {
        ++calls;
        verdict = v;
    });
    CHECK(calls == 1);
    CHECK(verdict == unauthorized);
}

TEST_CASE("ChargerAuthorizer: a database that does not exist fails construction", "[csms][security]")
{
    csms::test::TempDir dir;
    csms::base::ManualClock clock;
    CHECK_THROWS(ChargerAuthorizer(dir.file("missing.db"), {}, clock, [](csms::store::SecurityEventRecord) {}));
}

TEST_CASE("Rate limit: a charger whose key was verified before still gets in while its id is attacked",
          "[csms][security]")
{
    SecurityPolicy policy;
    policy.max_failures = 3;
    Fixture f(policy);
    f.secure("CP-1", 1, "right-key-0123456");
    CHECK(f.attempt("CP-1", false, basic("CP-1", "right-key-0123456")) == accept);
    for (int i = 0; i < 3; ++i) {
        CHECK(f.attempt("CP-1", false, basic("CP-1", "guess"), std::nullopt, "198.51.100." + std::to_string(i)) ==
              unauthorized);
    }
    // No hashing for a blocked id, but the password verified before matches.
    CHECK(f.attempt("CP-1", false, basic("CP-1", "right-key-0123456"), std::nullopt, "192.0.2.9") == accept);
    CHECK(f.attempt("CP-1", false, basic("CP-1", "another-guess"), std::nullopt, "192.0.2.10") == unauthorized);
}

TEST_CASE("Rate limit: requests that try no secret cannot lock a charger out", "[csms][security]")
{
    SecurityPolicy policy;
    policy.max_failures = 3;
    Fixture f(policy);
    f.secure("CP-3", 3);
    for (int i = 0; i < 10; ++i) {
        CHECK(f.attempt("CP-3", false, "", std::nullopt, "198.51.100." + std::to_string(i)) == unauthorized);
    }
    CHECK(f.attempt("CP-3", true, "", std::string("CP-3"), "192.0.2.7") == accept);
}

TEST_CASE("Profile 1: a charge point id containing ':' authenticates", "[csms][security]")
{
    Fixture f;
    f.secure("ACME:01", 1, "key-for-acme-0123");
    CHECK(f.attempt("ACME:01", false, basic("ACME:01", "key-for-acme-0123")) == accept);
    CHECK(f.attempt("ACME:01", false, basic("ACME:01", "wrong")) == unauthorized);
}
