// The 15-minute statistics as an operator meets them: a charger's whole day
// sent in a few seconds (chargers stamp their own messages), the quarters
// and the day computed by csmsd in the site's time zone, read back with
// csmsctl, and a late sample correcting its old quarter.
#include "support/admin_bootstrap.hpp"
#include "support/admin_server.hpp"
#include "support/charger.hpp"
#include "support/csmsctl_run.hpp"
#include "support/csmsd_process.hpp"
#include "support/test_db.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>

using namespace csms::test;
using namespace std::chrono_literals;

namespace {

// 2026-03-10 hh:mm in Asia/Shanghai (+08:00, no daylight saving), in UTC.
std::string shanghai(int hh, int mm)
{
    char out[40];
    std::snprintf(out, sizeof out, "2026-03-%02dT%02d:%02d:00.000Z", hh >= 8 ? 10 : 9, (hh + 16) % 24, mm);
    return out;
}

std::int64_t start(WsClient& cp, int meter_wh, const std::string& at)
{
    auto reply = cp.call("StartTransaction", start_payload(1, "DAYTAG", meter_wh, at));
    return std::stoll(result_string(reply, "transactionId"));
}

struct Expected {
    double energy_wh;
    int charging_s;
};

// Worked by hand from the day below: 1500 Wh per 30 min (50 Wh a minute)
// from 08:05 to 09:05, then 600 Wh from 23:40 to 23:55 (40 Wh a minute).
const std::map<std::string, Expected> busy_quarters{
    {"08:00", {500, 600}}, {"08:15", {750, 900}}, {"08:30", {750, 900}}, {"08:45", {750, 900}},
    {"09:00", {250, 300}}, {"23:30", {200, 300}}, {"23:45", {400, 600}},
};

class DayFixture {
public:
    DayFixture()
    {
        bootstrap_admin(dir_, dir_.file("csms.db"), dir_.file("token"));
        std::ofstream(dir_.file("csmsd.toml")) << "[statistics]\ntime_zone = \"Asia/Shanghai\"\n";
        CsmsdOptions options;
        options.extra_args = {"--config", dir_.file("csmsd.toml")};
        csmsd_ = std::make_unique<CsmsdProcess>(dir_, options);
    }

    CsmsdProcess& csmsd() { return *csmsd_; }

    TestDb::Row day_row()
    {
        TestDb db(csmsd_->db_path());
        auto rows = db.rows("SELECT quarters, round(energy_wh, 3), charging_s, sessions_started, sessions_finished "
                            "FROM stats_days WHERE charger_id = 'DAY-1' AND connector_id = 1 "
                            "AND local_date = '2026-03-10'");
        return rows.empty() ? TestDb::Row{} : rows.front();
    }

    // csmsctl's stdout; the test fails when it exits non-zero.
    std::string ctl(const std::vector<std::string>& args)
    {
        auto r = run_csmsctl(dir_, csmsd_->admin_port(), dir_.file("token"), args);
        INFO(r.errors);
        REQUIRE(r.status.success());
        return r.out;
    }

    rapidjson::Document ctl_json(std::vector<std::string> args)
    {
        args.insert(args.begin(), "--json");
        auto out = ctl(args);
        rapidjson::Document doc;
        doc.Parse(out.c_str());
        REQUIRE(doc.IsObject());
        return doc;
    }

private:
    TempDir dir_;
    std::unique_ptr<CsmsdProcess> csmsd_;
};

} // namespace

TEST_CASE("Statistics: a simulated day matches the energy and charging time worked out by hand", "[e2e][stats]")
{
    DayFixture f;
    auto cp = accepted_charger(f.csmsd().ws_port(), "DAY-1");
    cp->call("StatusNotification", status_payload(1, "Available", shanghai(0, 0)));

    cp->call("StatusNotification", status_payload(1, "Charging", shanghai(8, 5)));
    auto morning = start(*cp, 10000, shanghai(8, 5));
    cp->call("MeterValues", meter_values_payload(1, shanghai(8, 5), "10000"));
    cp->call("MeterValues", meter_values_payload(1, shanghai(8, 35), "11500"));
    cp->call("MeterValues", meter_values_payload(1, shanghai(9, 5), "13000"));
    cp->call("StopTransaction", stop_payload(morning, 13000, shanghai(9, 5)));
    cp->call("StatusNotification", status_payload(1, "Finishing", shanghai(9, 5)));
    cp->call("StatusNotification", status_payload(1, "Available", shanghai(9, 6)));

    cp->call("StatusNotification", status_payload(1, "Charging", shanghai(23, 40)));
    auto evening = start(*cp, 13000, shanghai(23, 40));
    cp->call("MeterValues", meter_values_payload(1, shanghai(23, 40), "13000"));
    cp->call("MeterValues", meter_values_payload(1, shanghai(23, 55), "13600"));
    cp->call("StopTransaction", stop_payload(evening, 13600, shanghai(23, 55)));
    cp->call("StatusNotification", status_payload(1, "Available", shanghai(23, 55)));

    const TestDb::Row day{"96", "3600.0", "4500", "2", "2"};
    REQUIRE(wait_until([&] { return f.day_row() == day; }, 20s));

    auto quarters = f.ctl_json({"stats", "DAY-1", "--connector", "1", "--day", "2026-03-10", "--limit", "500"});
    const auto& items = quarters["items"];
    REQUIRE(items.Size() == 96);
    CHECK(items[0]["local_time"].GetString() == std::string("00:00"));
    CHECK(items[0]["quarter_start"].GetString() == std::string("2026-03-09T16:00:00.000Z"));
    CHECK(items[0]["time_zone"].GetString() == std::string("Asia/Shanghai"));
    for (const auto& item : items.GetArray()) {
        std::string local_time = item["local_time"].GetString();
        auto busy = busy_quarters.find(local_time);
        auto expected = busy == busy_quarters.end() ? Expected{0, 0} : busy->second;
        INFO(local_time);
        CHECK(item["energy_wh"].GetDouble() == Approx(expected.energy_wh));
        CHECK(item["charging_s"].GetInt() == expected.charging_s);
        CHECK(item["sessions_started"].GetInt() == (local_time == "08:00" || local_time == "23:30" ? 1 : 0));
        CHECK(item["sessions_finished"].GetInt() == (local_time == "09:00" || local_time == "23:45" ? 1 : 0));
        if (local_time == "09:00") { // the running totals of the day so far
            CHECK(item["energy_today_wh"].GetDouble() == Approx(3000));
            CHECK(item["charging_today_s"].GetInt() == 3600);
            CHECK(item["sessions_today"].GetInt() == 1);
        }
    }
    CHECK(items[95]["sessions_today"].GetInt() == 2);
    CHECK(quarters["next"].IsNull());

    auto table = f.ctl({"stats", "DAY-1", "--day", "2026-03-10", "--limit", "40"});
    CHECK_THAT(table, Catch::StartsWith("DATE        TIME   WHERE    ENERGY WH  CHARGING S") &&
                          Catch::Contains("TODAY WH") && Catch::Contains("(more: --cursor "));
    CHECK_THAT(table, Catch::Contains("2026-03-10  08:15  DAY-1/1  750.0      900"));

    auto days = f.ctl_json({"stats", "DAY-1", "--daily", "--from", "2026-03-09", "--to", "2026-03-10"});
    REQUIRE(days["items"].Size() == 1); // nothing was known before 00:00 on the 10th
    const auto& total = days["items"][0];
    CHECK(total["local_date"].GetString() == std::string("2026-03-10"));
    CHECK(total["energy_wh"].GetDouble() == Approx(3600));
    CHECK(total["charging_s"].GetInt() == 4500);
    CHECK(total["sessions_started"].GetInt() == 2);
    CHECK(total["quarters"].GetInt() == 96);

    // Buffered while offline, a sample from the morning arrives at night:
    // 11000 Wh at 08:20 bends the line; the day's total stays. Quarters are
    // whole Wh: 666.7 Wh by 08:15 is 666.
    cp->call("MeterValues", meter_values_payload(1, shanghai(8, 20), "11000"));
    auto first_quarter_energy = [&] {
        TestDb db(f.csmsd().db_path());
        return db.rows("SELECT round(energy_wh, 3) FROM stats_quarters WHERE charger_id = 'DAY-1' "
                       "AND connector_id = 1 AND quarter_start = ?",
                       {shanghai(8, 0)});
    };
    REQUIRE(wait_until([&] { return first_quarter_energy() == std::vector<TestDb::Row>{{"666.0"}}; }, 20s));
    CHECK(f.day_row() == day);
}

TEST_CASE("Statistics: with configure_chargers an accepted charger is asked for 900 s meter intervals after its boot",
          "[e2e][stats]")
{
    TempDir dir;
    std::ofstream(dir.file("csmsd.toml")) << "[statistics]\nconfigure_chargers = true\n";
    CsmsdOptions options;
    options.extra_args = {"--config", dir.file("csmsd.toml")};
    CsmsdProcess csmsd(dir, options);
    auto cp = connect_charger(csmsd.ws_port(), "CFG-1");
    // The BootNotification's answer comes first (call() would keep a CALL
    // arriving before it in unmatched()); csmsd's calls follow it.
    REQUIRE(boot(*cp) == "Accepted");
    REQUIRE(cp->unmatched().empty());

    std::map<std::string, std::string> asked;
    for (int i = 0; i < 2; ++i) {
        auto call = next_call(*cp);
        REQUIRE(call[2].GetString() == std::string("ChangeConfiguration"));
        asked[call[3]["key"].GetString()] = call[3]["value"].GetString();
        answer_call(*cp, call, R"({"status":"Accepted"})");
    }
    CHECK(asked ==
          std::map<std::string, std::string>{{"ClockAlignedDataInterval", "900"}, {"MeterValueSampleInterval", "900"}});

    // Both are in the command history, as answered.
    auto history = [&] {
        TestDb db(csmsd.db_path());
        return db.rows("SELECT action, json_extract(request, '$.key'), outcome, status, ifnull(operator_name, '-') "
                       "FROM commands WHERE charger_id = 'CFG-1' ORDER BY json_extract(request, '$.key')");
    };
    const std::vector<TestDb::Row> recorded{
        {"ChangeConfiguration", "ClockAlignedDataInterval", "result", "Accepted", "-"},
        {"ChangeConfiguration", "MeterValueSampleInterval", "result", "Accepted", "-"}};
    CHECK(wait_until([&] { return history() == recorded; }, 10s));
}

TEST_CASE("Statistics: the API pages oldest first and refuses bad parameters and roles without stats.read",
          "[e2e][stats]")
{
    TempDir dir;
    AdminServer server(dir);
    auto cp = accepted_charger(server.csmsd->ws_port(), "PAGE-1");
    // Available for the five quarters since 2025-03-01T10:00 and on: rows to page through.
    cp->call("StatusNotification", status_payload(1, "Available", "2025-03-01T10:00:00.000Z"));
    cp->call("StatusNotification", status_payload(1, "Unavailable", "2025-03-01T11:05:00.000Z"));
    auto day_url = std::string("/api/v1/stats?charger=PAGE-1&from=2025-03-01T10:00:00Z&to=2025-03-01T11:15:00Z");
    REQUIRE(wait_until(
        [&] {
            auto all = server.call("GET", day_url, server.root_token);
            return all.status == 200 && AdminServer::parse(all.body)["items"].Size() == 5;
        },
        20s));

    std::vector<std::string> seen;
    std::string url = day_url + "&limit=2";
    for (int page = 0; page < 5; ++page) {
        auto answer = server.call("GET", url, server.root_token);
        REQUIRE(answer.status == 200);
        auto doc = AdminServer::parse(answer.body);
        for (const auto& item : doc["items"].GetArray()) {
            seen.emplace_back(item["local_time"].GetString());
            CHECK(item["available_s"].GetInt() == (seen.back() == "11:00" ? 300 : 900));
        }
        if (doc["next"].IsNull()) {
            break;
        }
        // A cursor holds ':' and '/', which may stand in a query as they are.
        url = day_url + "&limit=2&cursor=" + std::string(doc["next"].GetString());
    }
    CHECK(seen == std::vector<std::string>{"10:00", "10:15", "10:30", "10:45", "11:00"});

    for (const auto* bad :
         {"/api/v1/stats?granularity=hour", "/api/v1/stats?connector=-1", "/api/v1/stats?day=2025-02-30",
          "/api/v1/stats?from=yesterday", "/api/v1/stats?granularity=day&from=2025-03-01T10:00:00Z",
          "/api/v1/stats?cursor=nonsense"}) {
        auto answer = server.call("GET", bad, server.root_token);
        INFO(bad);
        CHECK(answer.status == 400);
        CHECK(error_code_of(answer) == "bad_request");
    }
    auto service = server.add_operator("desk", "customer_service");
    CHECK(server.call("GET", "/api/v1/stats", service).status == 403);
    auto auditor = server.add_operator("checker", "auditor");
    CHECK(server.call("GET", "/api/v1/stats?granularity=day", auditor).status == 200);
}

TEST_CASE("Statistics: an unknown time zone stops csmsd at start with its name", "[e2e][stats]")
{
    TempDir dir;
    std::ofstream(dir.file("csmsd.toml")) << "[statistics]\ntime_zone = \"Mars/Olympus_Mons\"\n";
    auto r = run_program({bin_path("csmsd"), "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--db",
                          dir.file("csms.db"), "--config", dir.file("csmsd.toml")},
                         dir.file("csmsd.err"), 20s);
    CHECK_FALSE(r.status.success());
    CHECK_THAT(r.errors, Catch::Contains("Mars/Olympus_Mons") && Catch::Contains("unknown"));
}
