#include "charger_harness.hpp"

#include "store/charger_store.hpp"

using csms::Policy;
using csms::test::ChargerHarness;

TEST_CASE("BootNotification: dev mode accepts an unknown charger and stores what it reports", "[csms][boot]")
{
    ChargerHarness h;
    auto reply = h.result("BootNotification", R"({"chargePointVendor":"ACME","chargePointModel":"DC-60",
        "chargePointSerialNumber":"SN1","chargeBoxSerialNumber":"BOX1","firmwareVersion":"1.2.3",
        "iccid":"8986001","imsi":"46000123","meterType":"DTSU666","meterSerialNumber":"M-9"})");
    CHECK(std::string(reply["status"].GetString()) == "Accepted");
    CHECK(reply["interval"].GetInt() == 300);
    CHECK(csms::base::parse_date_time(reply["currentTime"].GetString()) == h.clock().now_utc());
    CHECK(h.text("SELECT vendor || '/' || model || '/' || firmware_version || '/' || iccid || '/' || imsi || '/' || "
                 "meter_type || '/' || meter_serial || '/' || charge_point_serial || '/' || charge_box_serial "
                 "FROM chargers WHERE charger_id = 'CP-1'") ==
          "ACME/DC-60/1.2.3/8986001/46000123/DTSU666/M-9/SN1/BOX1");
}

TEST_CASE("BootNotification: by default an unknown charger is Rejected with the retry interval", "[csms][boot]")
{
    ChargerHarness h(Policy{});
    auto reply = h.result("BootNotification", R"({"chargePointVendor":"V","chargePointModel":"M"})");
    CHECK(std::string(reply["status"].GetString()) == "Rejected");
    CHECK(reply["interval"].GetInt() == 60);
    SECTION("and its other messages get SecurityError without being stored")
    {
        CHECK(h.error_code("StatusNotification", R"({"connectorId":1,"errorCode":"NoError","status":"Available"})") ==
              "SecurityError");
        CHECK(h.count("SELECT count(*) FROM status_history") == 0);
    }
}

TEST_CASE("BootNotification: the policy can park unknown chargers as Pending", "[csms][boot]")
{
    Policy policy;
    policy.unknown_chargers = csms::store::Registration::pending;
    ChargerHarness h(policy);
    auto reply = h.result("BootNotification", R"({"chargePointVendor":"V","chargePointModel":"M"})");
    CHECK(std::string(reply["status"].GetString()) == "Pending");
}

TEST_CASE("BootNotification: an operator-accepted charger is Accepted outside dev mode", "[csms][boot]")
{
    ChargerHarness h(Policy{});
    h.write([](csms::store::Database& db) {
        csms::store::set_registration(db, "CP-1", csms::store::Registration::accepted);
    });
    h.boot();
    SECTION("and a charger accepted earlier may talk before booting on a new connection")
    {
        h.connect("CP-1");
        CHECK(h.error_code("Heartbeat", "{}").empty());
    }
}

TEST_CASE("Gating: a never-booted charger is judged by the stored registration on its first message", "[csms][boot]")
{
    ChargerHarness h(Policy{});
    CHECK(h.error_code("Heartbeat", "{}") == "SecurityError");
    ChargerHarness dev;
    CHECK(dev.error_code("Heartbeat", "{}").empty());
    CHECK(dev.count("SELECT count(*) FROM chargers WHERE charger_id = 'CP-1' AND registration = 'Accepted'") == 1);
}

TEST_CASE("Heartbeat: answers the CSMS time and records when the charger was last heard", "[csms][heartbeat]")
{
    ChargerHarness h;
    h.boot();
    h.clock().advance(std::chrono::minutes(5));
    auto reply = h.result("Heartbeat", "{}");
    CHECK(csms::base::parse_date_time(reply["currentTime"].GetString()) == h.clock().now_utc());
    CHECK(h.text("SELECT last_heartbeat FROM chargers") == csms::base::format_date_time(h.clock().now_utc()));
}

TEST_CASE("Reconnect: a second connection of the same charger closes the first", "[csms][registry]")
{
    ChargerHarness h;
    h.boot();
    h.connect("CP-1");
    CHECK(h.old_connection(0).close_code() == 1000);
    CHECK(h.registry().size() == 1);
    CHECK(h.error_code("Heartbeat", "{}").empty());
}
