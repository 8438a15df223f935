// "Acknowledged means durable": csmsd killed with SIGKILL in the middle of
// traffic loses nothing it had answered, and serves again on the same file.
#include "support/csmsd_process.hpp"
#include "support/test_db.hpp"
#include "support/traffic.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>

using namespace csms::test;

TEST_CASE("SIGKILL mid-traffic: every acknowledged message is in the database", "[e2e][durability]")
{
    TempDir dir;
    constexpr int chargers = 20;
    std::vector<ChargerTraffic> results;
    std::string db_path;
    {
        CsmsdProcess csmsd(dir);
        db_path = csmsd.db_path();
        TrafficGenerator traffic(csmsd.ws_port(), chargers, "DUR");
        // Enough acknowledged traffic that many batches committed, and every
        // charger busy, before the plug is pulled.
        REQUIRE(wait_until([&] { return traffic.booted() == chargers && traffic.acked() >= 2000; },
                           std::chrono::seconds(60)));
        auto status = csmsd.kill9();
        CHECK(status.signal == SIGKILL);
        results = traffic.join();
    }

    std::size_t acked_meter_values = 0, acked_statuses = 0;
    for (const auto& r : results) {
        INFO(r.charger_id << " ended by: " << r.ended_by);
        CHECK(r.booted);
        CHECK_FALSE(r.acked_meter_values.empty());
        CHECK_FALSE(r.acked_statuses.empty());
        acked_meter_values += r.acked_meter_values.size();
        acked_statuses += r.acked_statuses.size();
    }
    INFO("acknowledged " << acked_meter_values << " MeterValues and " << acked_statuses << " StatusNotifications");
    {
        TestDb db(db_path);
        CHECK(db.rows("PRAGMA integrity_check") == std::vector<TestDb::Row>{{"ok"}});
        auto missing = TrafficGenerator::missing(db, results);
        std::string first_few;
        for (std::size_t i = 0; i < missing.size() && i < 20; ++i) {
            first_few += missing[i] + "\n";
        }
        INFO(first_few);
        CHECK(missing.size() == 0);
        CHECK(db.count("meter_values") >= static_cast<std::int64_t>(acked_meter_values));
        CHECK(db.count("status_history") >= static_cast<std::int64_t>(acked_statuses));
    }

    // The same database serves again after the crash.
    CsmsdProcess restarted(dir, CsmsdOptions{true, {}, db_path, std::chrono::seconds(20)});
    auto known = accepted_charger(restarted.ws_port(), "DUR-00");
    CHECK(is_call_result(known->call("Heartbeat", "{}")));
    auto fresh = accepted_charger(restarted.ws_port(), "AFTER-CRASH");
    auto start = fresh->call("StartTransaction", start_payload(1, "TAG-AC", 0, test_time(0)));
    CHECK(result_string(start, "idTagInfo/status") == "Accepted");
    TestDb db(db_path);
    CHECK(db.scalar("SELECT count(*) FROM chargers WHERE charger_id = 'AFTER-CRASH'") == 1);
}
