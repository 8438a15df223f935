// Whole charging sessions driven by ocpp-sim, checked in the database an
// operator (and billing) would read afterwards.
#include "support/csmsd_process.hpp"
#include "support/test_db.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <set>

using namespace csms::test;

namespace {

struct SimRun {
    ProcessResult process;
    rapidjson::Document summary;
};

SimRun run_sim(const TempDir& dir, const CsmsdProcess& csmsd, std::vector<std::string> args,
               std::chrono::milliseconds limit = std::chrono::seconds(120))
{
    std::vector<std::string> argv{sim_path(), "--url", csmsd.ws_url(), "--json"};
    argv.insert(argv.end(), args.begin(), args.end());
    SimRun run{run_program(argv, dir.file("ocpp-sim.log"), limit), {}};
    run.summary.Parse(run.process.out.c_str());
    return run;
}

std::int64_t number(const rapidjson::Document& doc, const char* name)
{
    return doc.IsObject() && doc.HasMember(name) && doc[name].IsInt64() ? doc[name].GetInt64() : -1;
}

} // namespace

TEST_CASE("ocpp-sim: one charger's whole session lands in the database", "[e2e][session]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    auto run = run_sim(dir, csmsd, {"--chargers", "1", "--sessions", "1", "--meter-values", "3", "--prefix", "E2E"});
    INFO("ocpp-sim stdout: " << run.process.out);
    INFO("ocpp-sim stderr: " << run.process.errors);
    REQUIRE(run.process.status.success());
    REQUIRE_FALSE(run.summary.HasParseError());
    CHECK(number(run.summary, "chargers") == 1);
    CHECK(number(run.summary, "completed") == 1);
    CHECK(number(run.summary, "errors") == 0);

    TestDb db(csmsd.db_path());
    auto chargers = db.rows("SELECT charger_id, registration, vendor, model, firmware_version, last_boot IS NOT NULL, "
                            "last_heartbeat IS NOT NULL FROM chargers");
    REQUIRE(chargers.size() == 1);
    CHECK(chargers[0] == TestDb::Row{"E2E-0001", "Accepted", "CsmsSim", "Sim-1", "ocpp-sim-1.0", "1", "1"});

    auto transactions = db.rows("SELECT transaction_id, connector_id, id_tag, meter_start_wh, meter_stop_wh, "
                                "auth_status, stop_reason, stop_received_at IS NOT NULL, "
                                "stop_timestamp >= start_timestamp FROM transactions");
    REQUIRE(transactions.size() == 1);
    const auto& tx = transactions[0];
    CHECK(tx[1] == "1");
    CHECK(tx[2] == "TAG-0001");
    CHECK(tx[5] == "Accepted");
    CHECK(tx[6] == "Local");
    CHECK(tx[7] == "1"); // closed
    CHECK(tx[8] == "1");
    // The simulator draws the same energy per sample: 3 MeterValues plus the
    // stretch up to the stop.
    const auto meter_start = std::stoll(tx[3]);
    const auto meter_stop = std::stoll(tx[4]);
    CHECK(meter_stop > meter_start);
    CHECK((meter_stop - meter_start) % 4 == 0);

    // Every energy register reading, in Wh, belongs to the transaction and
    // climbs to meter_stop.
    auto energy = db.rows("SELECT value, normalized_value, unit, transaction_id, connector_id FROM meter_values "
                          "WHERE measurand = 'Energy.Active.Import.Register' ORDER BY timestamp, id");
    // 3 MeterValues + the transactionData of the stop: every reading is kept,
    // even two sent within the same millisecond (the value tells them apart).
    REQUIRE(energy.size() == 4);
    std::int64_t previous = meter_start;
    for (const auto& row : energy) {
        CHECK(row[2] == "Wh");
        CHECK(row[3] == tx[0]);
        CHECK(row[4] == "1");
        auto wh = std::stoll(row[0]);
        CHECK(wh > previous);
        CHECK(std::stod(row[1]) == Approx(static_cast<double>(wh)));
        previous = wh;
    }
    CHECK(previous == meter_stop);
    // Six measurands per MeterValues; a reading identical in every field
    // (same instant, same value) is one reading, stored once.
    CHECK(db.scalar("SELECT count(DISTINCT measurand) FROM meter_values WHERE source = 'MeterValues'") == 6);
    CHECK(db.scalar("SELECT count(*) FROM meter_values WHERE source = 'StopTransaction'") == 1);

    auto statuses = db.rows("SELECT connector_id, status, error_code FROM status_history ORDER BY id");
    REQUIRE(statuses.size() == 3);
    CHECK(statuses[0] == TestDb::Row{"1", "Available", "NoError"});
    CHECK(statuses[1] == TestDb::Row{"1", "Charging", "NoError"});
    CHECK(statuses[2] == TestDb::Row{"1", "Available", "NoError"});
    CHECK(db.rows("SELECT status FROM connector_status WHERE charger_id = 'E2E-0001' AND connector_id = 1") ==
          std::vector<TestDb::Row>{{"Available"}});
    CHECK(db.count("unmatched_stops") == 0);
}

TEST_CASE("ocpp-sim: 100 chargers at once, two sessions each", "[e2e][load]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    auto run =
        run_sim(dir, csmsd,
                {"--chargers", "100", "--sessions", "2", "--meter-values", "2", "--threads", "4", "--prefix", "LOAD"});
    INFO("ocpp-sim stdout: " << run.process.out);
    INFO("ocpp-sim stderr: " << run.process.errors.substr(0, 4000));
    REQUIRE(run.process.status.success());
    REQUIRE_FALSE(run.summary.HasParseError());
    CHECK(number(run.summary, "connected") == 100);
    CHECK(number(run.summary, "completed") == 100);
    CHECK(number(run.summary, "errors") == 0);

    TestDb db(csmsd.db_path());
    CHECK(db.count("chargers") == 100);
    CHECK(db.count("transactions") == 200);
    CHECK(db.scalar("SELECT count(DISTINCT transaction_id) FROM transactions") == 200);
    CHECK(db.scalar("SELECT count(*) FROM transactions WHERE stop_received_at IS NULL") == 0);
    CHECK(db.scalar("SELECT count(*) FROM transactions WHERE auth_status <> 'Accepted'") == 0);
    CHECK(db.scalar("SELECT count(*) FROM (SELECT charger_id FROM transactions GROUP BY charger_id "
                    "HAVING count(*) = 2)") == 100);
    // Each charger's two sessions: the second starts where the first stopped.
    CHECK(db.scalar("SELECT count(*) FROM transactions a JOIN transactions b ON a.charger_id = b.charger_id "
                    "AND a.transaction_id < b.transaction_id WHERE b.meter_start_wh <> a.meter_stop_wh") == 0);
    // 2 sessions x 2 MeterValues per charger, each with a distinct, rising
    // energy reading: all 400 are kept.
    CHECK(db.scalar("SELECT count(*) FROM meter_values WHERE source = 'MeterValues' "
                    "AND measurand = 'Energy.Active.Import.Register'") == 100 * 2 * 2);
    CHECK(db.scalar("SELECT count(*) FROM meter_values WHERE source = 'StopTransaction'") == 200);
    // Every transaction has its closing energy reading, equal to meter_stop.
    CHECK(db.scalar("SELECT count(*) FROM transactions t JOIN meter_values m ON m.transaction_id = t.transaction_id "
                    "AND m.context = 'Transaction.End' AND CAST(m.value AS INTEGER) = t.meter_stop_wh") == 200);
    CHECK(db.count("status_history") == 100 * (1 + 2 * 2));
    CHECK(db.count("unmatched_stops") == 0);
}
