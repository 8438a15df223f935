#include "store/credentials_store.hpp"

#include "base/password_hash.hpp"
#include "store/charger_store.hpp"
#include "store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace csms::store;
using csms::store::test::at;
using csms::store::test::MigratedDb;

TEST_CASE("credentials: a charger without a row has none", "[store][credentials]")
{
    MigratedDb t;
    set_registration(t.db, "CP1", Registration::accepted);
    CHECK(find_credentials(t.db, "CP1") == std::nullopt);
    CHECK(find_credentials(t.db, "nobody") == std::nullopt);
}

TEST_CASE("credentials: profile and key round trip; each keeps the other", "[store][credentials]")
{
    MigratedDb t;
    set_registration(t.db, "CP1", Registration::accepted);
    set_security_profile(t.db, "CP1", 2, at(10));
    auto credentials = find_credentials(t.db, "CP1");
    REQUIRE(credentials);
    CHECK(credentials->security_profile == 2);
    CHECK(credentials->authorization_key_hash == std::nullopt);

    set_authorization_key(t.db, "CP1", "0123456789abcdefABCD", at(20));
    credentials = find_credentials(t.db, "CP1");
    REQUIRE(credentials);
    CHECK(credentials->security_profile == 2);
    REQUIRE(credentials->authorization_key_hash);
    CHECK(csms::base::verify_secret("0123456789abcdefABCD", *credentials->authorization_key_hash));
    CHECK_FALSE(csms::base::verify_secret("0123456789abcdefABCE", *credentials->authorization_key_hash));
    CHECK(t.text("SELECT updated_at FROM charger_credentials") == "2026-01-01T00:00:20.000Z");

    set_security_profile(t.db, "CP1", 3, at(30));
    credentials = find_credentials(t.db, "CP1");
    REQUIRE(credentials);
    CHECK(credentials->security_profile == 3);
    CHECK(credentials->authorization_key_hash);
}

TEST_CASE("credentials: a key set first creates the row at profile 0", "[store][credentials]")
{
    MigratedDb t;
    set_registration(t.db, "CP1", Registration::accepted);
    set_authorization_key(t.db, "CP1", "first-key-0123456", at(0));
    auto credentials = find_credentials(t.db, "CP1");
    REQUIRE(credentials);
    CHECK(credentials->security_profile == 0);
    auto first_hash = credentials->authorization_key_hash;

    set_authorization_key(t.db, "CP1", "second-key-012345", at(1)); // rotation
    credentials = find_credentials(t.db, "CP1");
    REQUIRE(credentials);
    CHECK(credentials->authorization_key_hash != first_hash);
    CHECK(csms::base::verify_secret("second-key-012345", *credentials->authorization_key_hash));
    CHECK_FALSE(csms::base::verify_secret("first-key-0123456", *credentials->authorization_key_hash));
}

TEST_CASE("credentials: the AuthorizationKey is never stored in clear", "[store][credentials]")
{
    MigratedDb t;
    set_registration(t.db, "CP1", Registration::accepted);
    set_authorization_key(t.db, "CP1", "PlainTextKey12345", at(0));
    CHECK(t.count("SELECT count(*) FROM charger_credentials WHERE instr(authorization_key_hash, 'PlainTextKey') > 0 "
                  "OR instr(charger_id || updated_at, 'PlainTextKey') > 0") == 0);
    CHECK(t.count("SELECT count(*) FROM charger_credentials WHERE authorization_key_hash LIKE 'pbkdf2-sha256$%'") == 1);
}

TEST_CASE("credentials: only profiles 0..3 are stored", "[store][credentials]")
{
    MigratedDb t;
    set_registration(t.db, "CP1", Registration::accepted);
    CHECK_THROWS_AS(set_security_profile(t.db, "CP1", 4, at(0)), std::invalid_argument);
    CHECK_THROWS_AS(set_security_profile(t.db, "CP1", -1, at(0)), std::invalid_argument);
    // The schema refuses them too, whoever writes.
    CHECK_THROWS_AS(t.db.exec("INSERT INTO charger_credentials (charger_id, security_profile, updated_at) "
                              "VALUES ('CP1', 4, '2026-01-01T00:00:00.000Z')"),
                    SqliteError);
    CHECK(find_credentials(t.db, "CP1") == std::nullopt);
    for (int profile = 0; profile <= 3; ++profile) {
        set_security_profile(t.db, "CP1", profile, at(profile));
        CHECK(find_credentials(t.db, "CP1")->security_profile == profile);
    }
}

TEST_CASE("credentials: an unregistered charger cannot be given credentials", "[store][credentials]")
{
    MigratedDb t;
    CHECK_THROWS_AS(set_security_profile(t.db, "CP9", 1, at(0)), UnknownChargerError);
    CHECK_THROWS_AS(set_authorization_key(t.db, "CP9", "some-key-0123456", at(0)), UnknownChargerError);
    CHECK(t.count("SELECT count(*) FROM charger_credentials") == 0);
    set_registration(t.db, "CP1", Registration::accepted);
    CHECK_THROWS_AS(set_authorization_key(t.db, "CP1", "", at(0)), std::invalid_argument);
}

TEST_CASE("security events: stored with every field, unknown chargers included", "[store][security]")
{
    MigratedDb t;
    SecurityEventRecord event;
    event.charger_id = "stranger"; // no chargers row: failed logins of unknown ids are kept
    event.type = "FailedToAuthenticateAtCentralSystem";
    event.tech_info = "wrong AuthorizationKey";
    event.critical = false;
    event.source = "csms";
    event.remote_address = "192.0.2.7";
    event.received_at = at(5);
    record_security_event(t.db, event);

    SecurityEventRecord reported;
    reported.charger_id = "CP1";
    reported.type = "TamperDetectionActivated";
    reported.timestamp = at(1);
    reported.critical = true;
    reported.source = "charger";
    reported.received_at = at(2);
    record_security_event(t.db, reported);

    CHECK(t.text("SELECT charger_id || '|' || type || '|' || tech_info || '|' || critical || '|' || source || '|' || "
                 "remote_address || '|' || received_at || '|' || ifnull(timestamp, 'null') FROM security_events "
                 "WHERE id = 1") ==
          "stranger|FailedToAuthenticateAtCentralSystem|wrong AuthorizationKey|0|csms|192.0.2.7|"
          "2026-01-01T00:00:05.000Z|null");
    CHECK(t.text("SELECT charger_id || '|' || type || '|' || ifnull(tech_info, 'null') || '|' || critical || '|' || "
                 "source || '|' || ifnull(remote_address, 'null') || '|' || timestamp FROM security_events "
                 "WHERE id = 2") == "CP1|TamperDetectionActivated|null|1|charger|null|2026-01-01T00:00:01.000Z");
}

TEST_CASE("security events: the source is charger or csms", "[store][security]")
{
    MigratedDb t;
    SecurityEventRecord event;
    event.charger_id = "CP1";
    event.type = "InvalidMessages";
    event.source = "admin";
    event.received_at = at(0);
    CHECK_THROWS_AS(record_security_event(t.db, event), SqliteError);
}

TEST_CASE("security events: the whitepaper's critical types", "[store][security]")
{
    for (auto type : {"FirmwareUpdated", "SettingSystemTime", "StartupOfTheDevice", "ResetOrReboot",
                      "SecurityLogWasCleared", "MemoryExhaustion", "TamperDetectionActivated"}) {
        CAPTURE(type);
        CHECK(is_critical_security_event(type));
    }
    for (auto type : {"FailedToAuthenticateAtCentralSystem", "CentralSystemFailedToAuthenticate",
                      "ReconfigurationOfSecurityParameters", "InvalidMessages", "AttemptedReplayAttacks",
                      "InvalidFirmwareSignature", "InvalidTLSVersion", "firmwareupdated", ""}) {
        CAPTURE(type);
        CHECK_FALSE(is_critical_security_event(type));
    }
}
