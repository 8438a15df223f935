#include "store/command_store.hpp"

#include "store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace csms::store;
using csms::store::test::at;
using csms::store::test::MigratedDb;

namespace {

CommandRecord command(const std::string& charger, const std::string& action, CommandOutcome outcome,
                      std::int64_t second)
{
    CommandRecord r;
    r.charger_id = charger;
    r.action = action;
    r.request = R"({"type":"Soft"})";
    r.operator_name = "root";
    r.requested_at = at(second);
    r.outcome = outcome;
    if (outcome == CommandOutcome::result) {
        r.response = R"({"status":"Accepted"})";
        r.status = "Accepted";
    }
    r.finished_at = at(second + 1);
    return r;
}

} // namespace

TEST_CASE("commands: a recorded command reads back with every field", "[store][commands]")
{
    MigratedDb t;
    auto id = record_command(t.db, command("CP1", "Reset", CommandOutcome::result, 10));
    CHECK(id > 0);
    auto found = find_command(t.db, id);
    REQUIRE(found);
    CHECK(found->command_id == id);
    CHECK(found->charger_id == "CP1");
    CHECK(found->action == "Reset");
    CHECK(found->request == R"({"type":"Soft"})");
    CHECK(found->operator_name == std::optional<std::string>("root"));
    CHECK(found->requested_at == at(10));
    CHECK(found->outcome == CommandOutcome::result);
    CHECK(found->response == std::optional<std::string>(R"({"status":"Accepted"})"));
    CHECK(found->status == std::optional<std::string>("Accepted"));
    CHECK(found->finished_at == at(11));
    CHECK(find_command(t.db, id + 1) == std::nullopt);
}

TEST_CASE("commands: every outcome is storable and round trips", "[store][commands]")
{
    MigratedDb t;
    for (auto outcome : {CommandOutcome::result, CommandOutcome::call_error, CommandOutcome::timeout,
                         CommandOutcome::not_connected, CommandOutcome::invalid_response, CommandOutcome::busy}) {
        INFO(std::string(to_string(outcome)));
        auto id = record_command(t.db, command("CP1", "Reset", outcome, 1));
        auto found = find_command(t.db, id);
        REQUIRE(found);
        CHECK(found->outcome == outcome);
        CHECK(command_outcome_from(to_string(outcome)) == outcome);
    }
    CHECK(command_outcome_from("invalid_request") == std::nullopt);
}

TEST_CASE("commands: the list is newest first with filters and pages", "[store][commands]")
{
    MigratedDb t;
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 5; ++i) {
        ids.push_back(record_command(
            t.db, command(i % 2 ? "CP2" : "CP1", i < 3 ? "Reset" : "ClearCache", CommandOutcome::result, i)));
    }
    auto all = list_commands(t.db, {});
    REQUIRE(all.size() == 5);
    CHECK(all.front().command_id == ids[4]);
    CHECK(all.back().command_id == ids[0]);

    CommandFilter cp1;
    cp1.charger_id = "CP1";
    auto only_cp1 = list_commands(t.db, cp1);
    REQUIRE(only_cp1.size() == 3);
    CHECK(only_cp1[0].command_id == ids[4]);
    CHECK(only_cp1[2].command_id == ids[0]);

    CommandFilter resets;
    resets.action = "Reset";
    resets.limit = 2;
    auto page1 = list_commands(t.db, resets);
    REQUIRE(page1.size() == 2);
    CHECK(page1[0].command_id == ids[2]);
    CHECK(page1[1].command_id == ids[1]);
    resets.before_id = page1.back().command_id;
    auto page2 = list_commands(t.db, resets);
    REQUIRE(page2.size() == 1);
    CHECK(page2[0].command_id == ids[0]);
}

TEST_CASE("reservations: upsert then cancel or use; only an active one is used", "[store][commands]")
{
    MigratedDb t;
    upsert_reservation(t.db, {"CP1", 7, 1, "TAG1", std::nullopt, at(3600)}, at(1));
    CHECK(t.text("SELECT state FROM reservations WHERE reservation_id = 7") == "active");
    CHECK(t.text("SELECT expiry FROM reservations") == "2026-01-01T01:00:00.000Z");

    CHECK(mark_reservation_used(t.db, "CP1", 7, 42, at(2)));
    CHECK(t.text("SELECT state || ' ' || transaction_id FROM reservations") == "used 42");
    CHECK_FALSE(mark_reservation_used(t.db, "CP1", 7, 43, at(3)));
    CHECK_FALSE(mark_reservation_used(t.db, "CP2", 7, 43, at(3)));

    // A ReserveNow with the same id replaces it and makes it active again.
    upsert_reservation(t.db, {"CP1", 7, 2, "TAG2", std::string("PARENT"), at(7200)}, at(4));
    CHECK(t.text("SELECT state || ' ' || connector_id || ' ' || id_tag || ' ' || parent_id_tag FROM reservations") ==
          "active 2 TAG2 PARENT");
    CHECK(t.text("SELECT transaction_id FROM reservations") == "<null>");
    CHECK(t.text("SELECT created_at FROM reservations") == "2026-01-01T00:00:01.000Z");

    CHECK(set_reservation_state(t.db, "CP1", 7, ReservationState::cancelled, at(5)));
    CHECK(t.text("SELECT state FROM reservations") == "cancelled");
    CHECK_FALSE(mark_reservation_used(t.db, "CP1", 7, 44, at(6)));
    CHECK_FALSE(set_reservation_state(t.db, "CP1", 8, ReservationState::cancelled, at(6)));
}

TEST_CASE("charging profiles: upsert by id and replace the same stack level then clear by criteria",
          "[store][commands]")
{
    MigratedDb t;
    upsert_charging_profile(t.db, {"CP1", 1, 10, 0, "TxDefaultProfile", R"({"chargingProfileId":10})"}, at(1));
    upsert_charging_profile(t.db, {"CP1", 1, 11, 1, "TxDefaultProfile", R"({"chargingProfileId":11})"}, at(1));
    upsert_charging_profile(t.db, {"CP1", 0, 12, 0, "ChargePointMaxProfile", "{}"}, at(1));
    upsert_charging_profile(t.db, {"CP2", 1, 10, 0, "TxDefaultProfile", "{}"}, at(1));
    CHECK(t.count("SELECT count(*) FROM charging_profiles") == 4);

    // Same id: updated in place.
    upsert_charging_profile(t.db, {"CP1", 1, 10, 0, "TxDefaultProfile", R"({"v":2})"}, at(2));
    CHECK(t.text("SELECT profile FROM charging_profiles WHERE charger_id = 'CP1' AND profile_id = 10") == R"({"v":2})");
    // Same connector, purpose and stack level under a new id: replaces 11.
    upsert_charging_profile(t.db, {"CP1", 1, 13, 1, "TxDefaultProfile", "{}"}, at(3));
    CHECK(t.count("SELECT count(*) FROM charging_profiles WHERE charger_id = 'CP1'") == 3);
    CHECK(t.count("SELECT count(*) FROM charging_profiles WHERE profile_id = 11") == 0);

    CHECK(clear_charging_profiles(t.db, "CP1", std::nullopt, 1, std::string("TxDefaultProfile"), 1) == 1);
    CHECK(clear_charging_profiles(t.db, "CP1", 12, std::nullopt, std::nullopt, std::nullopt) == 1);
    CHECK(clear_charging_profiles(t.db, "CP1", std::nullopt, std::nullopt, std::nullopt, std::nullopt) == 1);
    CHECK(t.count("SELECT count(*) FROM charging_profiles WHERE charger_id = 'CP1'") == 0);
    CHECK(t.count("SELECT count(*) FROM charging_profiles WHERE charger_id = 'CP2'") == 1);
}

TEST_CASE("local list: sent and reported versions are kept apart", "[store][commands]")
{
    MigratedDb t;
    set_local_list_reported(t.db, "CP1", 0, at(1));
    CHECK(t.text("SELECT sent_version FROM local_list_versions") == "<null>");
    set_local_list_sent(t.db, "CP1", 5, at(2));
    set_local_list_reported(t.db, "CP1", 5, at(3));
    CHECK(t.text("SELECT sent_version || ' ' || sent_at || ' ' || reported_version || ' ' || reported_at "
                 "FROM local_list_versions") == "5 2026-01-01T00:00:02.000Z 5 2026-01-01T00:00:03.000Z");
}

TEST_CASE("configuration: keys are upserted with value and readonly", "[store][commands]")
{
    MigratedDb t;
    upsert_configuration_key(t.db, "CP1", "HeartbeatInterval", std::string("300"), false, at(1));
    upsert_configuration_key(t.db, "CP1", "NumberOfConnectors", std::string("2"), true, at(1));
    upsert_configuration_key(t.db, "CP1", "Secret", std::nullopt, true, at(1));
    upsert_configuration_key(t.db, "CP1", "HeartbeatInterval", std::string("60"), false, at(2));
    CHECK(t.count("SELECT count(*) FROM charger_configuration") == 3);
    CHECK(t.text("SELECT value || ' ' || readonly || ' ' || reported_at FROM charger_configuration "
                 "WHERE key = 'HeartbeatInterval'") == "60 0 2026-01-01T00:00:02.000Z");
    CHECK(t.text("SELECT value FROM charger_configuration WHERE key = 'Secret'") == "<null>");
}
