#include "store/charger_store.hpp"

#include "store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace csms::store;
using csms::store::test::at;
using csms::store::test::MigratedDb;

namespace {

BootRecord boot(std::string charger_id, csms::base::SysTime received_at)
{
    BootRecord record;
    record.charger_id = std::move(charger_id);
    record.vendor = "Acme";
    record.model = "Wallbox 22";
    record.firmware_version = "1.0.0";
    record.meter_serial = "M-1";
    record.received_at = received_at;
    return record;
}

} // namespace

TEST_CASE("Registration: to_string uses the OCPP spelling and parses back", "[store][charger]")
{
    CHECK(to_string(Registration::accepted) == "Accepted");
    CHECK(to_string(Registration::pending) == "Pending");
    CHECK(to_string(Registration::rejected) == "Rejected");
    CHECK(registration_from_string("Pending") == Registration::pending);
    CHECK(registration_from_string("pending") == std::nullopt);
}

TEST_CASE("record_boot: an unknown charger is inserted with status_if_new", "[store][charger]")
{
    MigratedDb t;
    CHECK(find_registration(t.db, "CP1") == std::nullopt);
    CHECK(record_boot(t.db, boot("CP1", at(10)), Registration::pending) == Registration::pending);
    CHECK(find_registration(t.db, "CP1") == Registration::pending);
    CHECK(t.text("SELECT vendor || '/' || model || '/' || firmware_version || '/' || meter_serial FROM chargers") ==
          "Acme/Wallbox 22/1.0.0/M-1");
    CHECK(t.text("SELECT last_boot FROM chargers") == "2026-01-01T00:00:10.000Z");
    CHECK(t.text("SELECT iccid FROM chargers") == "<null>");
}

TEST_CASE("record_boot: a known charger keeps its registration and gets the new boot fields", "[store][charger]")
{
    MigratedDb t;
    set_registration(t.db, "CP1", Registration::accepted); // operator pre-registration
    CHECK(t.text("SELECT vendor FROM chargers WHERE charger_id = 'CP1'") == "<null>");
    auto second = boot("CP1", at(20));
    second.firmware_version = "2.0.0";
    second.iccid = "8986";
    CHECK(record_boot(t.db, second, Registration::rejected) == Registration::accepted);
    CHECK(t.text("SELECT firmware_version || '/' || iccid || '/' || last_boot FROM chargers") ==
          "2.0.0/8986/2026-01-01T00:00:20.000Z");
    CHECK(t.count("SELECT count(*) FROM chargers") == 1);
}

TEST_CASE("set_registration: changes a known charger's registration", "[store][charger]")
{
    MigratedDb t;
    record_boot(t.db, boot("CP1", at(0)), Registration::pending);
    set_registration(t.db, "CP1", Registration::rejected);
    CHECK(find_registration(t.db, "CP1") == Registration::rejected);
    CHECK(t.text("SELECT vendor FROM chargers") == "Acme");
}

TEST_CASE("record_heartbeat: stores last_heartbeat; an unknown charger changes nothing", "[store][charger]")
{
    MigratedDb t;
    record_boot(t.db, boot("CP1", at(0)), Registration::accepted);
    record_heartbeat(t.db, "CP1", at(300));
    CHECK(t.text("SELECT last_heartbeat FROM chargers") == "2026-01-01T00:05:00.000Z");
    CHECK_NOTHROW(record_heartbeat(t.db, "CP9", at(300)));
    CHECK(t.count("SELECT count(*) FROM chargers") == 1);
}

TEST_CASE("record_status: upserts the current status and appends the history", "[store][charger]")
{
    MigratedDb t;
    record_boot(t.db, boot("CP1", at(0)), Registration::accepted);
    StatusRecord status{.charger_id = "CP1",
                        .connector_id = 1,
                        .status = "Available",
                        .error_code = "NoError",
                        .info = std::nullopt,
                        .vendor_id = std::nullopt,
                        .vendor_error_code = std::nullopt,
                        .timestamp = at(5),
                        .received_at = at(6)};
    record_status(t.db, status);
    status.status = "Faulted";
    status.error_code = "GroundFailure";
    status.info = "leak";
    status.vendor_id = "Acme";
    status.vendor_error_code = "E42";
    status.timestamp = at(7);
    status.received_at = at(8);
    record_status(t.db, status);

    CHECK(t.count("SELECT count(*) FROM connector_status") == 1);
    CHECK(t.text("SELECT status || '/' || error_code || '/' || info || '/' || vendor_id || '/' || "
                 "vendor_error_code || '/' || timestamp || '/' || received_at FROM connector_status") ==
          "Faulted/GroundFailure/leak/Acme/E42/2026-01-01T00:00:07.000Z/2026-01-01T00:00:08.000Z");
    CHECK(t.count("SELECT count(*) FROM status_history") == 2);
    CHECK(t.text("SELECT group_concat(status) FROM (SELECT status FROM status_history ORDER BY id)") ==
          "Available,Faulted");
}

TEST_CASE("record_status: a late notification with an older timestamp goes to history only", "[store][charger]")
{
    MigratedDb t;
    record_boot(t.db, boot("CP1", at(0)), Registration::accepted);
    StatusRecord newer{.charger_id = "CP1",
                       .connector_id = 0,
                       .status = "Available",
                       .error_code = "NoError",
                       .timestamp = at(100),
                       .received_at = at(101)};
    StatusRecord older = newer;
    older.status = "Unavailable";
    older.timestamp = at(50);
    older.received_at = at(102);
    record_status(t.db, newer);
    record_status(t.db, older);
    CHECK(t.text("SELECT status FROM connector_status") == "Available");
    CHECK(t.count("SELECT count(*) FROM status_history") == 2);

    StatusRecord untimed = older;
    untimed.timestamp = std::nullopt;
    record_status(t.db, untimed);
    CHECK(t.text("SELECT status FROM connector_status") == "Unavailable");
}

TEST_CASE("record_status: a charger without a row is refused by the foreign key", "[store][charger]")
{
    MigratedDb t;
    StatusRecord status{
        .charger_id = "CP9", .connector_id = 1, .status = "Available", .error_code = "NoError", .received_at = at(0)};
    CHECK_THROWS_AS(record_status(t.db, status), SqliteError);
}

TEST_CASE("record_data_transfer: stores vendor, message id and data", "[store][charger]")
{
    MigratedDb t;
    record_boot(t.db, boot("CP1", at(0)), Registration::accepted);
    record_data_transfer(t.db, "CP1", "com.acme", std::string("Ping"), std::string("{\"a\":1}"), at(9));
    record_data_transfer(t.db, "CP1", "com.acme", std::nullopt, std::nullopt, at(10));
    CHECK(t.text("SELECT vendor_id || '/' || message_id || '/' || data || '/' || received_at "
                 "FROM data_transfers ORDER BY id LIMIT 1") == "com.acme/Ping/{\"a\":1}/2026-01-01T00:00:09.000Z");
    CHECK(t.count("SELECT count(*) FROM data_transfers WHERE message_id IS NULL AND data IS NULL") == 1);
}

TEST_CASE("record_firmware_status and record_diagnostics_status: history plus current on chargers", "[store][charger]")
{
    MigratedDb t;
    record_boot(t.db, boot("CP1", at(0)), Registration::accepted);
    record_firmware_status(t.db, "CP1", "Downloading", at(1));
    record_firmware_status(t.db, "CP1", "Installed", at(2));
    record_diagnostics_status(t.db, "CP1", "Uploading", at(3));
    record_diagnostics_status(t.db, "CP1", "Uploaded", at(4));
    CHECK(t.text("SELECT firmware_status || '@' || firmware_status_at FROM chargers") ==
          "Installed@2026-01-01T00:00:02.000Z");
    CHECK(t.text("SELECT diagnostics_status || '@' || diagnostics_status_at FROM chargers") ==
          "Uploaded@2026-01-01T00:00:04.000Z");
    CHECK(t.count("SELECT count(*) FROM firmware_status_history") == 2);
    CHECK(t.count("SELECT count(*) FROM diagnostics_status_history") == 2);
}
