// Authorization of id tags as a driver at the charger experiences it, with
// tags an operator registered beforehand.
#include "support/charger.hpp"
#include "support/csmsd_process.hpp"
#include "support/test_db.hpp"

#include "store/database.hpp"
#include "store/migrations.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <thread>

using namespace csms::test;

namespace {

// A database with the schema and these id_tags rows, before csmsd starts.
std::string seeded_database(const TempDir& dir)
{
    const std::string path = dir.file("seeded.db");
    csms::store::Database db(path);
    csms::store::migrate(db);
    db.exec(R"sql(
        INSERT INTO id_tags (id_tag, status, expiry, parent_id_tag) VALUES
            ('GOOD-1', 'Accepted', NULL, NULL),
            ('CHILD-1', 'Accepted', '2999-01-01T00:00:00.000Z', 'PARENT-1'),
            ('BLOCKED-1', 'Blocked', NULL, NULL),
            ('OLD-1', 'Accepted', '2001-01-01T00:00:00.000Z', NULL),
            ('MIXED-Case', 'Accepted', NULL, NULL);
    )sql");
    return path;
}

CsmsdOptions production_accepting_chargers(const TempDir& dir, const std::string& db)
{
    const std::string config = dir.file("csmsd.toml");
    std::ofstream(config) << "[security]\nallow_profile_0 = true\n[policy]\nunknown_chargers = "
                             "\"accept\"\naccept_unknown_id_tags = false\n";
    return CsmsdOptions{false, {"--config", config}, db, std::chrono::seconds(20)};
}

std::string authorize(WsClient& charger, const std::string& tag)
{
    return to_json(charger.call("Authorize", JsonObject().set("idTag", tag).str())[2]);
}

} // namespace

TEST_CASE("Authorize: registered tags get their status, expiry and parent", "[e2e][authorize]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir, production_accepting_chargers(dir, seeded_database(dir)));
    auto charger = accepted_charger(csmsd.ws_port(), "AUTH-1");
    CHECK(authorize(*charger, "GOOD-1") == R"({"idTagInfo":{"status":"Accepted"}})");
    CHECK(authorize(*charger, "CHILD-1") ==
          R"({"idTagInfo":{"status":"Accepted","expiryDate":"2999-01-01T00:00:00.000Z","parentIdTag":"PARENT-1"}})");
    CHECK(authorize(*charger, "BLOCKED-1") == R"({"idTagInfo":{"status":"Blocked"}})");
    CHECK(authorize(*charger, "OLD-1") ==
          R"({"idTagInfo":{"status":"Expired","expiryDate":"2001-01-01T00:00:00.000Z"}})");
    CHECK(authorize(*charger, "NOBODY-1") == R"({"idTagInfo":{"status":"Invalid"}})");

    // A blocked tag's start is recorded but not authorised.
    auto start = charger->call("StartTransaction", start_payload(1, "BLOCKED-1", 0, test_time(0)));
    CHECK(result_string(start, "idTagInfo/status") == "Blocked");
    // The stop reports the tag's status too.
    auto good = charger->call("StartTransaction", start_payload(2, "GOOD-1", 0, test_time(0)));
    const auto id = good[2]["transactionId"].GetInt64();
    auto stop = charger->call("StopTransaction", JsonObject()
                                                     .set("transactionId", id)
                                                     .set("idTag", "GOOD-1")
                                                     .set("meterStop", 10)
                                                     .set("timestamp", test_time(1000))
                                                     .str());
    CHECK(result_string(stop, "idTagInfo/status") == "Accepted");
}

TEST_CASE("Authorize: id tags are case-insensitive (OCPP 1.6 IdToken is CiString20Type)", "[e2e][authorize]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir, production_accepting_chargers(dir, seeded_database(dir)));
    auto charger = accepted_charger(csmsd.ws_port(), "AUTH-2");
    CHECK(authorize(*charger, "good-1") == R"({"idTagInfo":{"status":"Accepted"}})");
    CHECK(authorize(*charger, "MIXED-CASE") == R"({"idTagInfo":{"status":"Accepted"}})");
    CHECK(authorize(*charger, "blocked-1") == R"({"idTagInfo":{"status":"Blocked"}})");
    // The same card, written differently by two readers, is one driver.
    auto first = charger->call("StartTransaction", start_payload(1, "GOOD-1", 0, test_time(0)));
    CHECK(result_string(first, "idTagInfo/status") == "Accepted");
    auto second = charger->call("StartTransaction", start_payload(2, "good-1", 0, test_time(1000)));
    CHECK(result_string(second, "idTagInfo/status") == "ConcurrentTx");
}

TEST_CASE("StartTransaction: one tag started on ten chargers at once charges on exactly one", "[e2e][transaction]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    constexpr int chargers = 10;
    std::vector<std::unique_ptr<WsClient>> clients;
    for (int i = 0; i < chargers; ++i) {
        clients.push_back(accepted_charger(csmsd.ws_port(), "RACE-" + std::to_string(i)));
    }
    std::vector<std::string> statuses(chargers);
    std::vector<std::thread> threads;
    for (int i = 0; i < chargers; ++i) {
        threads.emplace_back([&, i] {
            try {
                auto reply = clients[static_cast<std::size_t>(i)]->call(
                    "StartTransaction", start_payload(1, "SHARED-TAG", 0, test_time(i)));
                statuses[static_cast<std::size_t>(i)] = result_string(reply, "idTagInfo/status");
            } catch (const std::exception& e) {
                statuses[static_cast<std::size_t>(i)] = e.what();
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    INFO(statuses[0] << " " << statuses[1] << " ...");
    CHECK(std::count(statuses.begin(), statuses.end(), "Accepted") == 1);
    CHECK(std::count(statuses.begin(), statuses.end(), "ConcurrentTx") == chargers - 1);
    TestDb db(csmsd.db_path());
    CHECK(db.scalar("SELECT count(*) FROM transactions WHERE id_tag = 'SHARED-TAG' AND auth_status = 'Accepted'") == 1);
}

TEST_CASE("Authorize: a blocked tag is not accepted by writing it in lower case", "[e2e][authorize]")
{
    // With accept_unknown_id_tags = true (free charging, but stolen cards
    // blocked), a case-sensitive lookup turns "blocked-1" into an unknown,
    // hence accepted, tag.
    TempDir dir;
    const std::string config = dir.file("free.toml");
    std::ofstream(config) << "[security]\nallow_profile_0 = true\n[policy]\nunknown_chargers = "
                             "\"accept\"\naccept_unknown_id_tags = true\n";
    CsmsdProcess csmsd(dir, CsmsdOptions{false, {"--config", config}, seeded_database(dir), std::chrono::seconds(20)});
    auto charger = accepted_charger(csmsd.ws_port(), "AUTH-3");
    CHECK(authorize(*charger, "BLOCKED-1") == R"({"idTagInfo":{"status":"Blocked"}})");
    CHECK(authorize(*charger, "blocked-1") == R"({"idTagInfo":{"status":"Blocked"}})");
    auto start = charger->call("StartTransaction", start_payload(1, "Blocked-1", 0, test_time(0)));
    CHECK(result_string(start, "idTagInfo/status") == "Blocked");
}
