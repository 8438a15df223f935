#include "charger_harness.hpp"

using csms::test::ChargerHarness;

TEST_CASE("StatusNotification: keeps the current status per connector and every change in history", "[csms][status]")
{
    ChargerHarness h;
    h.boot();
    h.result("StatusNotification", R"({"connectorId":1,"errorCode":"NoError","status":"Available",
        "timestamp":"2026-11-26T08:00:00Z"})");
    h.result("StatusNotification", R"({"connectorId":1,"errorCode":"HighTemperature","status":"Faulted",
        "info":"connector hot","vendorId":"ACME","vendorErrorCode":"E42","timestamp":"2026-11-26T08:01:00Z"})");
    h.result("StatusNotification", R"({"connectorId":0,"errorCode":"NoError","status":"Available"})");
    CHECK(h.count("SELECT count(*) FROM status_history") == 3);
    CHECK(h.text("SELECT status || '/' || error_code || '/' || info || '/' || vendor_id || '/' || vendor_error_code "
                 "FROM connector_status WHERE connector_id = 1") == "Faulted/HighTemperature/connector hot/ACME/E42");
    CHECK(h.count("SELECT count(*) FROM connector_status") == 2);
}

TEST_CASE("StatusNotification: a negative connectorId is a PropertyConstraintViolation", "[csms][status]")
{
    ChargerHarness h;
    h.boot();
    CHECK(h.error_code("StatusNotification", R"({"connectorId":-1,"errorCode":"NoError","status":"Available"})") ==
          "PropertyConstraintViolation");
    CHECK(h.count("SELECT count(*) FROM status_history") == 0);
}

TEST_CASE("DataTransfer: stored, and answered UnknownVendorId", "[csms][datatransfer]")
{
    ChargerHarness h;
    h.boot();
    auto reply = h.result("DataTransfer", R"({"vendorId":"com.acme","messageId":"cable","data":"{\"a\":1}"})");
    CHECK(std::string(reply["status"].GetString()) == "UnknownVendorId");
    CHECK(h.text("SELECT vendor_id || '/' || message_id || '/' || data FROM data_transfers") ==
          R"(com.acme/cable/{"a":1})");
}

TEST_CASE("Firmware and diagnostics status notifications are stored", "[csms][firmware]")
{
    ChargerHarness h;
    h.boot();
    h.result("FirmwareStatusNotification", R"({"status":"Downloading"})");
    h.result("FirmwareStatusNotification", R"({"status":"Installed"})");
    h.result("DiagnosticsStatusNotification", R"({"status":"Uploaded"})");
    CHECK(h.count("SELECT count(*) FROM firmware_status_history") == 2);
    CHECK(h.text("SELECT firmware_status || '/' || diagnostics_status FROM chargers") == "Installed/Uploaded");
}

TEST_CASE("Actions this central system does not handle are NotSupported", "[csms][router]")
{
    ChargerHarness h;
    h.boot();
    CHECK(h.error_code("Reset", R"({"type":"Hard"})") == "NotSupported");
    CHECK(h.error_code("FooBar", "{}") == "NotImplemented");
}
