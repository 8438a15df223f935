// Production policy (no --dev): strangers are not served, unknown id tags
// do not charge.
#include "support/charger.hpp"
#include "support/csmsd_process.hpp"
#include "support/test_db.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace csms::test;

namespace {

std::string write_config(const TempDir& dir, const std::string& text)
{
    const std::string path = dir.file("csmsd.toml");
    std::ofstream(path) << text;
    return path;
}

// No --dev, but chargers still connect without credentials: these tests are
// about registration and id tags, not authentication (see security tests).
CsmsdOptions production(const TempDir& dir, const std::string& toml = "")
{
    return CsmsdOptions{false,
                        {"--config", write_config(dir, "[security]\nallow_profile_0 = true\n" + toml)},
                        {},
                        std::chrono::seconds(20)};
}

} // namespace

TEST_CASE("BootNotification: unknown charger is Rejected unless --dev, and then refused service", "[e2e][policy]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir, production(dir));
    auto charger = connect_charger(csmsd.ws_port(), "STRANGER-1");
    auto reply = charger->call("BootNotification", boot_payload());
    REQUIRE(is_call_result(reply));
    CHECK(result_string(reply, "status") == "Rejected");
    CHECK(result_string(reply, "interval") == "60"); // the boot retry interval, not the heartbeat's
    CHECK_FALSE(result_string(reply, "currentTime").empty());

    auto heartbeat = charger->call("Heartbeat", "{}");
    CHECK(error_code(heartbeat) == "SecurityError");
    auto status = charger->call("StatusNotification", status_payload(1, "Available", test_time(0)));
    CHECK(error_code(status) == "SecurityError");
    auto start = charger->call("StartTransaction", start_payload(1, "TAG-1", 0, test_time(1)));
    CHECK(error_code(start) == "SecurityError");
    // Booting again is allowed, and still Rejected.
    CHECK(boot(*charger) == "Rejected");

    TestDb db(csmsd.db_path());
    CHECK(db.rows("SELECT registration FROM chargers WHERE charger_id = 'STRANGER-1'") ==
          std::vector<TestDb::Row>{{"Rejected"}});
    CHECK(db.count("status_history") == 0);
    CHECK(db.count("transactions") == 0);
}

TEST_CASE("A stranger that talks before booting is refused with SecurityError", "[e2e][policy]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir, production(dir));
    auto charger = connect_charger(csmsd.ws_port(), "NOBOOT-1");
    CHECK(error_code(charger->call("Heartbeat", "{}")) == "SecurityError");
    CHECK(error_code(charger->call("MeterValues", meter_values_payload(1, test_time(0), "10"))) == "SecurityError");
    TestDb db(csmsd.db_path());
    CHECK(db.count("meter_values") == 0);
}

TEST_CASE("policy.unknown_chargers = pending: Pending, then SecurityError until accepted", "[e2e][policy]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir, production(dir, "[policy]\nunknown_chargers = \"pending\"\n"));
    auto charger = connect_charger(csmsd.ws_port(), "PENDING-1");
    CHECK(boot(*charger) == "Pending");
    CHECK(error_code(charger->call("Heartbeat", "{}")) == "SecurityError");
}

TEST_CASE("Authorize: unknown id tag is Invalid for an accepted charger without --dev", "[e2e][policy]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir, production(dir, "[policy]\nunknown_chargers = \"accept\"\n"
                                            "accept_unknown_id_tags = false\n"));
    auto charger = accepted_charger(csmsd.ws_port(), "POLICY-1");
    auto authorize = charger->call("Authorize", R"({"idTag":"NOBODY"})");
    REQUIRE(is_call_result(authorize));
    CHECK(result_string(authorize, "idTagInfo/status") == "Invalid");

    // A start with it is recorded (the charger may already deliver energy)
    // but not authorised.
    auto start = charger->call("StartTransaction", start_payload(1, "NOBODY", 100, test_time(0)));
    REQUIRE(is_call_result(start));
    CHECK(result_string(start, "idTagInfo/status") == "Invalid");
    TestDb db(csmsd.db_path());
    CHECK(db.rows("SELECT id_tag, auth_status FROM transactions") == std::vector<TestDb::Row>{{"NOBODY", "Invalid"}});
}

TEST_CASE("A charger registered in --dev stays accepted under the production policy", "[e2e][policy]")
{
    TempDir dir;
    {
        CsmsdProcess dev(dir);
        auto charger = accepted_charger(dev.ws_port(), "KNOWN-1");
        charger->close();
        dev.signal(SIGTERM);
        auto status = dev.wait_exit(std::chrono::seconds(15));
        REQUIRE(status);
        CHECK(status->success());
    }
    CsmsdProcess csmsd(dir, production(dir));
    auto known = connect_charger(csmsd.ws_port(), "KNOWN-1");
    CHECK(boot(*known) == "Accepted");
    CHECK(is_call_result(known->call("Heartbeat", "{}")));
    auto authorize = known->call("Authorize", R"({"idTag":"NOBODY"})");
    CHECK(result_string(authorize, "idTagInfo/status") == "Invalid");

    auto stranger = connect_charger(csmsd.ws_port(), "UNKNOWN-2");
    CHECK(boot(*stranger) == "Rejected");
}
