// SIGTERM: stop accepting, finish in-flight work, close sessions with 1001,
// exit 0 (docs/design.md, "Contracts").
#include "support/charger.hpp"
#include "support/csmsd_process.hpp"
#include "support/test_db.hpp"
#include "support/traffic.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>

using namespace csms::test;

TEST_CASE("SIGTERM: chargers are closed with 1001, csmsd exits 0, answered messages are stored", "[e2e][shutdown]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    auto first = accepted_charger(csmsd.ws_port(), "TERM-1");
    auto second = accepted_charger(csmsd.ws_port(), "TERM-2");
    const auto stamp = test_time(123456);
    REQUIRE(is_call_result(first->call("StatusNotification", status_payload(1, "Charging", stamp))));
    REQUIRE(is_call_result(second->call("MeterValues", meter_values_payload(1, stamp, "777"))));

    csmsd.signal(SIGTERM);
    for (auto* client : {first.get(), second.get()}) {
        auto closed = client->wait_closed(std::chrono::seconds(15));
        REQUIRE(closed.status == ReadStatus::closed);
        INFO(closed.error);
        REQUIRE(closed.close_code);
        CHECK(*closed.close_code == 1001);
    }
    auto status = csmsd.wait_exit(std::chrono::seconds(15));
    REQUIRE(status);
    CHECK(status->describe() == "exit code 0");

    // Nobody is listening any more.
    WsClient late;
    CHECK_FALSE(late.connect(csmsd.ws_port(), "/ocpp/TERM-3").ok);

    TestDb db(csmsd.db_path());
    CHECK(db.rows("SELECT status FROM status_history WHERE charger_id = 'TERM-1' AND timestamp = ?", {stamp}) ==
          std::vector<TestDb::Row>{{"Charging"}});
    CHECK(db.rows("SELECT value FROM meter_values WHERE charger_id = 'TERM-2'") == std::vector<TestDb::Row>{{"777"}});
}

TEST_CASE("SIGTERM mid-traffic: every session gets 1001 and every acknowledged message is stored", "[e2e][shutdown]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    constexpr int chargers = 10;
    TrafficGenerator traffic(csmsd.ws_port(), chargers, "TERMLOAD");
    REQUIRE(
        wait_until([&] { return traffic.booted() == chargers && traffic.acked() >= 500; }, std::chrono::seconds(60)));
    csmsd.signal(SIGTERM);
    const auto& results = traffic.join();
    auto status = csmsd.wait_exit(std::chrono::seconds(20));
    REQUIRE(status);
    CHECK(status->describe() == "exit code 0");

    for (const auto& r : results) {
        INFO(r.charger_id << " ended by: " << r.ended_by);
        REQUIRE(r.close_code);
        CHECK(*r.close_code == 1001);
    }
    TestDb db(csmsd.db_path());
    auto missing = TrafficGenerator::missing(db, results);
    std::string first_few;
    for (std::size_t i = 0; i < missing.size() && i < 20; ++i) {
        first_few += missing[i] + "\n";
    }
    INFO(first_few);
    CHECK(missing.size() == 0);
}
