#include "csms/command_effects.hpp"

#include "charger_harness.hpp"
#include "store/command_store.hpp"
#include "unit/store/store_fixture.hpp"

#include <catch2/catch.hpp>

using csms::apply_command_effects;
using csms::store::test::at;
using csms::store::test::MigratedDb;

namespace {

rapidjson::Document parse(const std::string& text)
{
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    REQUIRE_FALSE(doc.HasParseError());
    return doc;
}

// Applies the effects of `action` on CP1 as if the charger answered `response`.
void answer(MigratedDb& t, const std::string& action, const std::string& request, const std::string& response,
            std::int64_t second = 1)
{
    auto req = parse(request);
    auto res = parse(response);
    apply_command_effects(t.db, "CP1", action, req, &res, at(second));
}

const char* reserve = R"({"connectorId":1,"expiryDate":"2026-01-01T02:00:00Z","idTag":"TAG1","reservationId":5})";

std::string profile_on(int connector, int id, int stack_level, const std::string& purpose)
{
    return R"({"connectorId":)" + std::to_string(connector) + R"(,"csChargingProfiles":{"chargingProfileId":)" +
           std::to_string(id) + R"(,"stackLevel":)" + std::to_string(stack_level) + R"(,"chargingProfilePurpose":")" +
           purpose +
           R"(","chargingProfileKind":"Absolute","chargingSchedule":{"chargingRateUnit":"A",)"
           R"("chargingSchedulePeriod":[{"startPeriod":0,"limit":16}]}}})";
}

} // namespace

TEST_CASE("command effects: ReserveNow Accepted stores an active reservation and Rejected does not",
          "[csms][command_effects]")
{
    MigratedDb t;
    answer(t, "ReserveNow", reserve, R"({"status":"Occupied"})");
    CHECK(t.count("SELECT count(*) FROM reservations") == 0);
    answer(t, "ReserveNow", reserve, R"({"status":"Accepted"})");
    CHECK(t.text("SELECT state || ' ' || connector_id || ' ' || id_tag || ' ' || expiry FROM reservations "
                 "WHERE charger_id = 'CP1' AND reservation_id = 5") == "active 1 TAG1 2026-01-01T02:00:00.000Z");

    answer(t, "CancelReservation", R"({"reservationId":5})", R"({"status":"Rejected"})");
    CHECK(t.text("SELECT state FROM reservations") == "active");
    answer(t, "CancelReservation", R"({"reservationId":5})", R"({"status":"Accepted"})");
    CHECK(t.text("SELECT state FROM reservations") == "cancelled");
}

TEST_CASE("command effects: SetChargingProfile stores the profile and ClearChargingProfile removes matches",
          "[csms][command_effects]")
{
    MigratedDb t;
    answer(t, "SetChargingProfile", profile_on(1, 100, 0, "TxDefaultProfile"), R"({"status":"Rejected"})");
    CHECK(t.count("SELECT count(*) FROM charging_profiles") == 0);
    answer(t, "SetChargingProfile", profile_on(1, 100, 0, "TxDefaultProfile"), R"({"status":"Accepted"})");
    answer(t, "SetChargingProfile", profile_on(2, 101, 1, "TxDefaultProfile"), R"({"status":"Accepted"})");
    answer(t, "SetChargingProfile", profile_on(0, 102, 0, "ChargePointMaxProfile"), R"({"status":"Accepted"})");
    CHECK(t.count("SELECT count(*) FROM charging_profiles") == 3);
    auto stored = parse(t.text("SELECT profile FROM charging_profiles WHERE profile_id = 100"));
    CHECK(stored["chargingProfileId"].GetInt() == 100);
    CHECK(std::string(stored["chargingProfileKind"].GetString()) == "Absolute");
    CHECK(t.text("SELECT connector_id || ' ' || stack_level || ' ' || purpose FROM charging_profiles "
                 "WHERE profile_id = 101") == "2 1 TxDefaultProfile");

    answer(t, "ClearChargingProfile", R"({"chargingProfilePurpose":"TxDefaultProfile"})", R"({"status":"Unknown"})");
    CHECK(t.count("SELECT count(*) FROM charging_profiles") == 3);
    // An id names one profile; the other criteria then do not matter.
    answer(t, "ClearChargingProfile", R"({"id":101,"connectorId":7})", R"({"status":"Accepted"})");
    CHECK(t.count("SELECT count(*) FROM charging_profiles WHERE profile_id = 101") == 0);
    answer(t, "ClearChargingProfile", R"({"chargingProfilePurpose":"TxDefaultProfile","stackLevel":0})",
           R"({"status":"Accepted"})");
    CHECK(t.count("SELECT count(*) FROM charging_profiles") == 1);
    answer(t, "ClearChargingProfile", "{}", R"({"status":"Accepted"})");
    CHECK(t.count("SELECT count(*) FROM charging_profiles") == 0);
}

TEST_CASE("command effects: SendLocalList and GetLocalListVersion track sent and reported versions",
          "[csms][command_effects]")
{
    MigratedDb t;
    answer(t, "SendLocalList", R"({"listVersion":3,"updateType":"Full"})", R"({"status":"VersionMismatch"})");
    CHECK(t.count("SELECT count(*) FROM local_list_versions") == 0);
    answer(t, "SendLocalList", R"({"listVersion":3,"updateType":"Full"})", R"({"status":"Accepted"})");
    answer(t, "GetLocalListVersion", "{}", R"({"listVersion":3})", 2);
    CHECK(t.text("SELECT sent_version || ' ' || reported_version || ' ' || reported_at FROM local_list_versions") ==
          "3 3 2026-01-01T00:00:02.000Z");
}

TEST_CASE("command effects: GetConfiguration and ChangeConfiguration update the stored configuration",
          "[csms][command_effects]")
{
    MigratedDb t;
    answer(t, "GetConfiguration", "{}",
           R"({"configurationKey":[{"key":"HeartbeatInterval","readonly":false,"value":"300"},)"
           R"({"key":"NumberOfConnectors","readonly":true,"value":"2"},{"key":"NoValue","readonly":true}]})");
    CHECK(t.count("SELECT count(*) FROM charger_configuration WHERE charger_id = 'CP1'") == 3);
    CHECK(t.text("SELECT readonly FROM charger_configuration WHERE key = 'NumberOfConnectors'") == "1");
    CHECK(t.text("SELECT value FROM charger_configuration WHERE key = 'NoValue'") == "<null>");

    answer(t, "ChangeConfiguration", R"({"key":"HeartbeatInterval","value":"60"})", R"({"status":"Rejected"})");
    CHECK(t.text("SELECT value FROM charger_configuration WHERE key = 'HeartbeatInterval'") == "300");
    answer(t, "ChangeConfiguration", R"({"key":"HeartbeatInterval","value":"60"})", R"({"status":"Accepted"})");
    CHECK(t.text("SELECT value FROM charger_configuration WHERE key = 'HeartbeatInterval'") == "60");
    answer(t, "ChangeConfiguration", R"({"key":"MeterValueSampleInterval","value":"30"})",
           R"({"status":"RebootRequired"})");
    CHECK(t.text("SELECT value || ' ' || readonly FROM charger_configuration WHERE key = 'MeterValueSampleInterval'") ==
          "30 0");
}

TEST_CASE("command effects: no answer or an untracked action changes nothing", "[csms][command_effects]")
{
    MigratedDb t;
    auto request = parse(reserve);
    apply_command_effects(t.db, "CP1", "ReserveNow", request, nullptr, at(1));
    answer(t, "Reset", R"({"type":"Hard"})", R"({"status":"Accepted"})");
    CHECK(t.count("SELECT count(*) FROM reservations") == 0);
    CHECK(t.count("SELECT count(*) FROM commands") == 0);
}

TEST_CASE("StartTransaction: a reservationId marks that reservation used by the new transaction",
          "[csms][transaction][command_effects]")
{
    csms::test::ChargerHarness h;
    h.boot();
    h.write([](csms::store::Database& db) {
        csms::store::upsert_reservation(db, {"CP-1", 9, 1, "TAG1", std::nullopt, at(86400 * 400)}, at(0));
        csms::store::upsert_reservation(db, {"OTHER", 9, 1, "TAG1", std::nullopt, at(86400 * 400)}, at(0));
    });
    auto reply = h.result("StartTransaction", R"({"connectorId":1,"idTag":"TAG1","meterStart":0,)"
                                              R"("reservationId":9,"timestamp":"2026-11-26T08:00:00Z"})");
    auto transaction_id = reply["transactionId"].GetInt64();
    CHECK(h.text("SELECT state FROM reservations WHERE charger_id = 'CP-1'") == "used");
    CHECK(h.count("SELECT transaction_id FROM reservations WHERE charger_id = 'CP-1'") == transaction_id);
    CHECK(h.text("SELECT state FROM reservations WHERE charger_id = 'OTHER'") == "active");
}

TEST_CASE("StopTransaction: the connector's TxProfile ends with its transaction and other profiles stay",
          "[csms][transaction][command_effects]")
{
    csms::test::ChargerHarness h;
    h.boot();
    auto started = h.result("StartTransaction", R"({"connectorId":1,"idTag":"TAG1","meterStart":0,)"
                                                R"("timestamp":"2026-11-26T08:00:00Z"})");
    auto transaction_id = started["transactionId"].GetInt64();
    h.write([](csms::store::Database& db) {
        csms::store::upsert_charging_profile(db, {"CP-1", 1, 1, 0, "TxProfile", "{}"}, at(0));
        csms::store::upsert_charging_profile(db, {"CP-1", 2, 2, 0, "TxProfile", "{}"}, at(0));
        csms::store::upsert_charging_profile(db, {"CP-1", 1, 3, 0, "TxDefaultProfile", "{}"}, at(0));
    });
    h.result("StopTransaction", R"({"meterStop":500,"timestamp":"2026-11-26T09:00:00Z","transactionId":)" +
                                    std::to_string(transaction_id) + "}");
    CHECK(h.count("SELECT count(*) FROM charging_profiles WHERE charger_id = 'CP-1' AND profile_id = 1") == 0);
    CHECK(h.count("SELECT count(*) FROM charging_profiles WHERE charger_id = 'CP-1'") == 2);
}
