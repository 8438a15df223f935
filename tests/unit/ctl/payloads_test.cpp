#include "ctl/errors.hpp"
#include "ctl/payloads.hpp"
#include "ctl/table.hpp"
#include "ocpp/schema_registry.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace csms::ctl;
namespace p = csms::ctl::payloads;
using csms::ocpp::Direction;
using csms::ocpp::SchemaRegistry;

namespace {

const SchemaRegistry& registry()
{
    static const SchemaRegistry instance(CSMS_SCHEMA_DIR);
    return instance;
}

// The payload passes the action's request schema (and its date-time checks).
void check_valid(const std::string& action, const rapidjson::Document& payload)
{
    INFO(action << " " << compact_json(payload));
    auto violation = registry().validate(action, Direction::request, payload);
    INFO((violation ? std::string(violation->what) + " " + violation->detail : std::string("valid")));
    CHECK_FALSE(violation.has_value());
}

const std::string pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const std::string at = "2026-03-01T10:00:00.000Z";

} // namespace

TEST_CASE("charger verbs build core profile payloads their schemas accept", "[ctl][payloads]")
{
    check_valid("RemoteStartTransaction", p::remote_start("TAG1", 2));
    check_valid("RemoteStartTransaction", p::remote_start("TAG1", std::nullopt));
    check_valid("RemoteStopTransaction", p::remote_stop(42));
    check_valid("Reset", p::reset(true));
    check_valid("Reset", p::reset(false));
    check_valid("UnlockConnector", p::unlock(1));
    check_valid("ChangeAvailability", p::change_availability(0, "Inoperative"));
    check_valid("ChangeConfiguration", p::change_configuration("HeartbeatInterval", "300"));
    check_valid("GetConfiguration", p::get_configuration({}));
    check_valid("GetConfiguration", p::get_configuration({"HeartbeatInterval", "MeterValueSampleInterval"}));
    check_valid("ClearCache", p::empty());
    check_valid("TriggerMessage", p::trigger("StatusNotification", 1));
    check_valid("GetDiagnostics", p::get_diagnostics("ftp://logs.example/", at, at, 3, 60));
    check_valid("GetDiagnostics", p::get_diagnostics("ftp://logs.example/", {}, {}, {}, {}));
    check_valid("UpdateFirmware", p::update_firmware("https://fw.example/1.2.bin", p::now()));
}

TEST_CASE("charger verbs build local list reservation and profile payloads their schemas accept", "[ctl][payloads]")
{
    check_valid("SendLocalList", p::send_local_list(3, false, {}));
    check_valid(
        "SendLocalList",
        p::send_local_list(4, false, {p::parse_local_list_entry("TAG1"), p::parse_local_list_entry("TAG2:Blocked")}));
    check_valid("SendLocalList", p::send_local_list(5, true, {p::parse_local_list_entry("TAG1")}));
    check_valid("GetLocalListVersion", p::empty());
    check_valid("ReserveNow", p::reserve_now(1, "TAG1", at, 7, std::string("GROUP")));
    check_valid("CancelReservation", p::cancel_reservation(7));
    check_valid("SetChargingProfile", p::set_charging_profile(1, R"({"chargingProfileId":1,"stackLevel":0,
                    "chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute",
                    "chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":16}]}})"));
    check_valid("ClearChargingProfile", p::clear_charging_profile({}, {}, {}, {}));
    check_valid("ClearChargingProfile", p::clear_charging_profile(1, 2, std::string("TxProfile"), 0));
    check_valid("GetCompositeSchedule", p::composite_schedule(1, 3600, std::string("W")));
    check_valid("DataTransfer", p::data_transfer("com.example", std::string("Ping"), std::string("x")));
    check_valid("DataTransfer", p::data_transfer("com.example", {}, {}));
}

TEST_CASE("charger verbs build security extension payloads their schemas accept", "[ctl][payloads]")
{
    check_valid("ExtendedTriggerMessage", p::trigger("SignChargePointCertificate", std::nullopt));
    check_valid("GetLog", p::get_log("SecurityLog", "https://logs.example/up", 9));
    check_valid("InstallCertificate", p::install_certificate("CentralSystemRootCertificate", pem));
    check_valid("DeleteCertificate", p::delete_certificate("SHA256", "ab12", "cd34", "01"));
    check_valid("GetInstalledCertificateIds", p::installed_certificates("ManufacturerRootCertificate"));
    check_valid("CertificateSigned", p::certificate_signed(pem));
    check_valid("SignedUpdateFirmware", p::signed_update_firmware(5, "https://fw.example/2.bin", pem, "c2ln", at));
}

TEST_CASE("payload builders put the verb arguments where OCPP expects them", "[ctl][payloads]")
{
    CHECK(compact_json(p::remote_start("TAG1", 2)) == R"({"connectorId":2,"idTag":"TAG1"})");
    CHECK(compact_json(p::reset(true)) == R"({"type":"Hard"})");
    CHECK(compact_json(p::empty()) == "{}");
    // A differential entry without status removes the tag; a full list
    // defaults it to Accepted.
    CHECK(compact_json(p::send_local_list(2, true, {p::parse_local_list_entry("T")})) ==
          R"({"listVersion":2,"updateType":"Differential","localAuthorizationList":[{"idTag":"T"}]})");
    CHECK(
        compact_json(p::send_local_list(2, false, {p::parse_local_list_entry("T")})) ==
        R"({"listVersion":2,"updateType":"Full","localAuthorizationList":[{"idTag":"T","idTagInfo":{"status":"Accepted"}}]})");
    CHECK(compact_json(p::get_log("DiagnosticsLog", "u", 1)) ==
          R"({"log":{"remoteLocation":"u"},"logType":"DiagnosticsLog","requestId":1})");
}

TEST_CASE("a profile or raw payload that is not a JSON object is a usage error", "[ctl][payloads]")
{
    CHECK_THROWS_AS(p::set_charging_profile(1, "[1,2]"), UsageError);
    CHECK_THROWS_AS(p::parse_object("{\"a\":", "the payload"), UsageError);
    CHECK(compact_json(p::parse_object(R"({"type":"Soft"})", "the payload")) == R"({"type":"Soft"})");
}

TEST_CASE("now is an OCPP date-time", "[ctl][payloads]")
{
    check_valid("UpdateFirmware", p::update_firmware("u", p::now()));
    CHECK(p::now().back() == 'Z');
}

TEST_CASE("the schema check used above does refuse a wrong payload", "[ctl][payloads]")
{
    CHECK(registry().validate("Reset", Direction::request, p::parse_object(R"({"type":"Medium"})", "x")).has_value());
    CHECK(registry().validate("RemoteStartTransaction", Direction::request, p::empty()).has_value());
}
