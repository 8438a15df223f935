// StartTransaction / StopTransaction rules that decide what a driver is
// billed for: retries are idempotent, odd stops are kept, one tag charges once.
#include "support/charger.hpp"
#include "support/csmsd_process.hpp"
#include "support/test_db.hpp"

#include <catch2/catch.hpp>

using namespace csms::test;

namespace {

std::int64_t transaction_id(const rapidjson::Document& reply)
{
    REQUIRE(is_call_result(reply));
    REQUIRE(reply[2].HasMember("transactionId"));
    REQUIRE(reply[2]["transactionId"].IsInt64());
    return reply[2]["transactionId"].GetInt64();
}

} // namespace

TEST_CASE("StartTransaction: an identical retry gets the same transactionId and no second row", "[e2e][transaction]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    auto charger = accepted_charger(csmsd.ws_port(), "RETRY-1");
    const auto payload = start_payload(1, "TAG-R", 1000, test_time(0));
    auto first = charger->call("StartTransaction", payload);
    auto id = transaction_id(first);
    CHECK(result_string(first, "idTagInfo/status") == "Accepted");
    // The charger lost the answer and retries with a new message id.
    auto retry = charger->call("StartTransaction", payload);
    CHECK(transaction_id(retry) == id);
    CHECK(result_string(retry, "idTagInfo/status") == "Accepted");
    // Even after reconnecting.
    charger->close();
    auto again = accepted_charger(csmsd.ws_port(), "RETRY-1");
    CHECK(transaction_id(again->call("StartTransaction", payload)) == id);

    // A different start (another timestamp) is a new transaction with a new id.
    auto other = again->call("StartTransaction", start_payload(2, "TAG-S", 0, test_time(1000)));
    CHECK(transaction_id(other) != id);

    TestDb db(csmsd.db_path());
    CHECK(db.scalar("SELECT count(*) FROM transactions WHERE charger_id = 'RETRY-1' AND id_tag = 'TAG-R'") == 1);
    CHECK(db.count("transactions") == 2);
}

TEST_CASE("StopTransaction: an unknown transaction id is accepted and kept in unmatched_stops", "[e2e][transaction]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    auto charger = accepted_charger(csmsd.ws_port(), "STOP-1");
    const auto stop = stop_payload(987654, 4242, test_time(0));
    auto reply = charger->call("StopTransaction", stop);
    REQUIRE(is_call_result(reply));
    // A retry of the same stop is answered the same and recorded once.
    CHECK(is_call_result(charger->call("StopTransaction", stop)));

    TestDb db(csmsd.db_path());
    CHECK(db.rows("SELECT charger_id, transaction_id, cause, meter_stop_wh, reason FROM unmatched_stops") ==
          std::vector<TestDb::Row>{{"STOP-1", "987654", "unknown_transaction", "4242", "Local"}});
    CHECK(db.count("transactions") == 0);
}

TEST_CASE("StopTransaction: another charger's transaction is not closed", "[e2e][transaction]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    auto owner = accepted_charger(csmsd.ws_port(), "OWNER-1");
    auto intruder = accepted_charger(csmsd.ws_port(), "INTRUDER-1");
    auto id = transaction_id(owner->call("StartTransaction", start_payload(1, "TAG-O", 0, test_time(0))));
    CHECK(is_call_result(intruder->call("StopTransaction", stop_payload(id, 500, test_time(1000)))));

    TestDb db(csmsd.db_path());
    CHECK(db.scalar("SELECT count(*) FROM transactions WHERE stop_received_at IS NULL") == 1);
    CHECK(db.rows("SELECT charger_id, cause FROM unmatched_stops") ==
          std::vector<TestDb::Row>{{"INTRUDER-1", "other_charger"}});

    // The owner's own stop closes it; a later contradicting stop is kept aside.
    CHECK(is_call_result(owner->call("StopTransaction", stop_payload(id, 700, test_time(2000)))));
    CHECK(is_call_result(owner->call("StopTransaction", stop_payload(id, 700, test_time(2000))))); // retry
    CHECK(is_call_result(owner->call("StopTransaction", stop_payload(id, 900, test_time(3000)))));
    CHECK(db.rows("SELECT meter_stop_wh FROM transactions WHERE transaction_id = ?", {std::to_string(id)}) ==
          std::vector<TestDb::Row>{{"700"}});
    CHECK(db.rows("SELECT cause, meter_stop_wh FROM unmatched_stops WHERE charger_id = 'OWNER-1'") ==
          std::vector<TestDb::Row>{{"conflicting_stop", "900"}});
}

TEST_CASE("StartTransaction: a tag charging on another connector gets ConcurrentTx", "[e2e][transaction]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    auto charger = accepted_charger(csmsd.ws_port(), "CONC-1");
    auto other_charger = accepted_charger(csmsd.ws_port(), "CONC-2");

    auto first = charger->call("StartTransaction", start_payload(1, "TAG-C", 0, test_time(0)));
    auto first_id = transaction_id(first);
    CHECK(result_string(first, "idTagInfo/status") == "Accepted");

    auto second = charger->call("StartTransaction", start_payload(2, "TAG-C", 0, test_time(1000)));
    CHECK(transaction_id(second) != first_id);
    CHECK(result_string(second, "idTagInfo/status") == "ConcurrentTx");
    auto elsewhere = other_charger->call("StartTransaction", start_payload(1, "TAG-C", 0, test_time(2000)));
    CHECK(result_string(elsewhere, "idTagInfo/status") == "ConcurrentTx");
    // Another tag is not affected.
    auto unrelated = other_charger->call("StartTransaction", start_payload(2, "TAG-D", 0, test_time(3000)));
    CHECK(result_string(unrelated, "idTagInfo/status") == "Accepted");

    // Recorded anyway: the charger may deliver energy until it stops.
    TestDb db(csmsd.db_path());
    CHECK(db.rows("SELECT charger_id, connector_id, auth_status FROM transactions WHERE id_tag = 'TAG-C' "
                  "ORDER BY transaction_id") == std::vector<TestDb::Row>{{"CONC-1", "1", "Accepted"},
                                                                         {"CONC-1", "2", "ConcurrentTx"},
                                                                         {"CONC-2", "1", "ConcurrentTx"}});

    // Once every session of the tag has stopped, it may charge again.
    for (auto [client, id] : {std::pair{charger.get(), first_id}, std::pair{charger.get(), transaction_id(second)},
                              std::pair{other_charger.get(), transaction_id(elsewhere)}}) {
        REQUIRE(is_call_result(client->call("StopTransaction", stop_payload(id, 10, test_time(5000)))));
    }
    auto later = charger->call("StartTransaction", start_payload(1, "TAG-C", 10, test_time(6000)));
    CHECK(result_string(later, "idTagInfo/status") == "Accepted");
}
