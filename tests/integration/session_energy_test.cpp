// One session's energy and money as an operator cross-checks them: the
// transaction, its bill, the 15-minute statistics and the usage report agree
// to the Wh; a Finishing that arrives after the stop still gives the idle
// fee; and turning billing on bills only the sessions that stop from then on.
#include "support/admin_bootstrap.hpp"
#include "support/charger.hpp"
#include "support/csmsctl_run.hpp"
#include "support/csmsd_process.hpp"
#include "support/test_db.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <csignal>
#include <fstream>

using namespace csms::test;
using namespace std::chrono_literals;

namespace {

// Valley all day at 0.3500 and 0.50 a minute idle after 10 free minutes.
constexpr const char* tariffs_toml = R"(currency = "CNY"
time_zone = "UTC"

[[tariff]]
name = "plain"
default_period = "valley"
prices = { valley = 0.3500 }
idle_fee_per_minute = 0.50
idle_grace_minutes = 10

[[assign]]
tariff = "plain"
from = "2026-01-01"
)";

std::string config_with_billing(const TempDir& dir)
{
    std::ofstream(dir.file("tariffs.toml")) << tariffs_toml;
    std::ofstream(dir.file("billing.toml")) << "[billing]\ntariffs = \"" << dir.file("tariffs.toml") << "\"\n";
    return dir.file("billing.toml");
}

CsmsdOptions with_config(const std::string& config)
{
    CsmsdOptions options;
    options.extra_args = {"--config", config};
    return options;
}

std::int64_t start(WsClient& cp, std::int64_t meter_wh, const std::string& at)
{
    return std::stoll(
        result_string(cp.call("StartTransaction", start_payload(1, "CUST-1", meter_wh, at)), "transactionId"));
}

} // namespace

TEST_CASE("Session energy: transaction, bill, statistics and usage agree to the Wh; a late Finishing still bills idle",
          "[e2e][billing][stats]")
{
    TempDir dir;
    bootstrap_admin(dir, dir.file("csms.db"), dir.file("token"));
    CsmsdProcess csmsd(dir, with_config(config_with_billing(dir)));
    auto cp = accepted_charger(csmsd.ws_port(), "CP-E1");

    // 10:03 to 10:52 UTC, sampled only at 10:20 and 10:40: energy before the
    // first sample and after the last sample is energy all the same.
    cp->call("StatusNotification", status_payload(1, "Charging", "2026-03-10T10:03:00.000Z"));
    auto tx = start(*cp, 100'000, "2026-03-10T10:03:00.000Z");
    cp->call("MeterValues", meter_values_payload(1, "2026-03-10T10:20:00.000Z", "101234", tx));
    cp->call("MeterValues", meter_values_payload(1, "2026-03-10T10:40:00.000Z", "104321", tx));
    cp->call("StopTransaction", stop_payload(tx, 106'001, "2026-03-10T10:52:00.000Z"));
    // The charger reports Finishing only after the StopTransaction, and the
    // car leaves 12 minutes after the stop.
    cp->call("StatusNotification", status_payload(1, "Finishing", "2026-03-10T10:52:00.000Z"));
    cp->call("StatusNotification", status_payload(1, "Available", "2026-03-10T11:04:00.000Z"));

    TestDb db(csmsd.db_path());
    auto record = [&] {
        return db.scalar("SELECT count(*) FROM billing_records WHERE transaction_id = ?1", {std::to_string(tx)});
    };
    REQUIRE(wait_until([&] { return record() == 1; }, 20s));
    // Statistics are written about 10 s after the rows they come from.
    auto stats_energy = [&] {
        return db.scalar("SELECT ifnull(sum(energy_wh), -1) FROM stats_quarters WHERE charger_id = 'CP-E1'");
    };
    REQUIRE(wait_until([&] { return stats_energy() == 6'001; }, 30s, 100ms));

    CHECK(db.scalar("SELECT meter_stop_wh - meter_start_wh FROM transactions WHERE transaction_id = ?1",
                    {std::to_string(tx)}) == 6'001);
    CHECK(db.scalar("SELECT energy_wh FROM billing_records WHERE transaction_id = ?1", {std::to_string(tx)}) == 6'001);
    CHECK(db.scalar("SELECT sum(energy_wh) FROM stats_days WHERE charger_id = 'CP-E1'") == 6'001);
    auto usage = run_csmsctl(dir, csmsd.admin_port(), dir.file("token"),
                             {"--json", "usage", "load", "--by", "day", "--from", "2026-03-10", "--to", "2026-03-11"});
    INFO(usage.errors);
    REQUIRE(usage.status.success());
    rapidjson::Document report;
    report.Parse(usage.out.c_str());
    REQUIRE(report.IsObject());
    double reported = 0;
    for (const auto& day : report["items"].GetArray()) {
        reported += day["energy_wh"].GetDouble();
    }
    CHECK(reported == 6'001);
    // The quarters are whole Wh: 10:00-10:15 is 12 of the 17 minutes to 10:20.
    CHECK(db.scalar("SELECT energy_wh FROM stats_quarters WHERE charger_id = 'CP-E1' "
                    "AND quarter_start = '2026-03-10T10:00:00.000Z'") == 1234 * 12 / 17);

    // 6.001 kWh at 0.35 = 2.10; idle 10:52-11:04 = 12 minutes, 10 free: 1.00.
    auto lines = db.rows("SELECT l.item, l.amount FROM billing_lines l JOIN billing_records r USING (record_id) "
                         "WHERE r.transaction_id = ?1 ORDER BY l.line_no",
                         {std::to_string(tx)});
    REQUIRE(lines.size() == 2);
    CHECK(lines[0][0] == "energy");
    CHECK(lines[0][1] == "210");
    CHECK(lines[1][0] == "idle");
    CHECK(lines[1][1] == "100");
}

TEST_CASE("Session energy: turning billing on bills only the sessions that stop from then on", "[e2e][billing]")
{
    TempDir dir;
    std::string db_path;
    {
        CsmsdProcess before(dir); // no tariffs: billing off
        db_path = before.db_path();
        auto cp = accepted_charger(before.ws_port(), "CP-E2");
        auto tx = start(*cp, 0, "2026-03-10T08:00:00.000Z");
        cp->call("StopTransaction", stop_payload(tx, 5'000, "2026-03-10T09:00:00.000Z"));
        before.signal(SIGTERM);
        REQUIRE(before.wait_exit(20s));
    }
    auto options = with_config(config_with_billing(dir));
    options.db_path = db_path;
    CsmsdProcess after(dir, options);
    auto cp = accepted_charger(after.ws_port(), "CP-E2");
    auto tx = start(*cp, 5'000, "2026-03-10T10:00:00.000Z");
    cp->call("StopTransaction", stop_payload(tx, 9'000, "2026-03-10T11:00:00.000Z"));

    TestDb db(db_path);
    REQUIRE(wait_until([&] { return db.scalar("SELECT count(*) FROM billing_records") > 0; }, 20s));
    // The engine takes the queue in transaction order: the earlier session
    // would have been billed first.
    CHECK(db.scalar("SELECT count(*) FROM billing_records") == 1);
    CHECK(db.scalar("SELECT transaction_id FROM billing_records") == tx);
    CHECK(db.scalar("SELECT count(*) FROM billing_queue") == 0);
    CHECK(db.rows("SELECT enabled_at FROM billing_start").size() == 1);
}
