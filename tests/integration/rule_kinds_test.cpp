// The rule engine's operator flow and its clock-driven kinds, end to end: a
// real csmsd with a rules file, real chargers over WebSocket, and csmsctl
// reloading the file while csmsd serves.
#include "support/admin_bootstrap.hpp"
#include "support/charger.hpp"
#include "support/csmsctl_run.hpp"
#include "support/csmsd_process.hpp"
#include "support/http_get.hpp"
#include "support/ocpp_json.hpp"
#include "support/test_db.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <future>

using namespace csms::test;
using namespace std::chrono_literals;

namespace {

using Rows = std::vector<TestDb::Row>;

// csmsd serving <dir>/csms.db with an admin (token in <dir>/token) and the
// rules in <dir>/rules.toml; `config` is appended to its configuration.
struct RulesServer {
    TempDir dir;
    std::string token;
    std::unique_ptr<CsmsdProcess> csmsd;

    RulesServer(const std::string& rules, const std::string& config = "")
    {
        write_rules(rules);
        std::ofstream(dir.file("csmsd.toml")) << "[rules]\nfile = \"" << dir.file("rules.toml") << "\"\n" << config;
        token = bootstrap_admin(dir, dir.file("csms.db"), dir.file("token"));
        CsmsdOptions options;
        options.db_path = dir.file("csms.db");
        options.extra_args = {"--config", dir.file("csmsd.toml")};
        csmsd = std::make_unique<CsmsdProcess>(dir, options);
    }

    void write_rules(const std::string& rules) const
    {
        std::ofstream(dir.file("rules.toml"), std::ios::trunc) << rules;
    }

    ProcessResult ctl(const std::vector<std::string>& args)
    {
        return run_csmsctl(dir, csmsd->admin_port(), dir.file("token"), args);
    }

    Rows alerts() const
    {
        TestDb db(csmsd->db_path());
        return db.rows("SELECT rule, charger_id, connector_id, state FROM alerts ORDER BY id");
    }
};

std::string voltage(std::int64_t offset_ms, int volts)
{
    return R"({"connectorId":1,"meterValue":[{"timestamp":")" + test_time(offset_ms) +
           R"(","sampledValue":[{"value":")" + std::to_string(volts) + R"(","measurand":"Voltage","unit":"V"}]}]})";
}

constexpr const char* hot_rule = R"(
[[rule]]
name = "hot-connector"
kind = "threshold"
measurand = "Temperature"
above = 70
)";

} // namespace

TEST_CASE("Rules: an operator reloads the rules file and the new rule fires only in its region", "[e2e][rules]")
{
    RulesServer server(hot_rule);
    auto listed = server.ctl({"rules", "list"});
    REQUIRE(listed.status.success());
    CHECK_THAT(listed.out, Catch::Contains("hot-connector") && Catch::Contains("threshold"));

    // A bad edit: refused with its line, and the rules in force stay.
    server.write_rules(std::string(hot_rule) + "\n[[rule]]\nname = \"grid\"\nkind = \"range\"\nmeasurand = "
                                               "\"Voltage\"\nmin = 198\nmaks = 242\n");
    auto bad = server.ctl({"rules", "reload"});
    CHECK(bad.status.code == 1);
    CHECK_THAT(bad.errors, Catch::Contains("rules.toml:13") && Catch::Contains("maks") && Catch::Contains("unchanged"));
    CHECK_THAT(server.ctl({"rules", "list"}).out, Catch::Contains("hot-connector") && !Catch::Contains("grid"));

    server.write_rules(std::string(hot_rule) + R"(
[[rule]]
name = "grid-voltage"
kind = "range"
measurand = "Voltage"
min = 198
max = 242
scope = { region = "Shenzhen" }
)");
    auto south = accepted_charger(server.csmsd->ws_port(), "SZ-1");
    auto north = accepted_charger(server.csmsd->ws_port(), "BJ-1");
    REQUIRE(server.ctl({"chargers", "set", "SZ-1", "--region", "Shenzhen", "--rated-power-kw", "7"}).status.success());
    auto reloaded = server.ctl({"rules", "reload"});
    REQUIRE(reloaded.status.success());
    CHECK_THAT(reloaded.out, Catch::Contains("grid-voltage") && Catch::Contains("region=Shenzhen"));

    north->call("MeterValues", voltage(0, 260)); // not in Shenzhen: no alert
    south->call("MeterValues", voltage(0, 260));
    REQUIRE(wait_until([&] { return server.alerts() == Rows{{"grid-voltage", "SZ-1", "1", "open"}}; }, 10s));
    south->call("MeterValues", voltage(1000, 230));
    CHECK(wait_until([&] { return server.alerts() == Rows{{"grid-voltage", "SZ-1", "1", "cleared"}}; }, 10s));
    auto shown = server.ctl({"--json", "chargers", "show", "SZ-1"});
    CHECK_THAT(shown.out, Catch::Contains(R"("region":"Shenzhen")") && Catch::Contains(R"("rated_power_w":7000)"));
}

TEST_CASE("Rules: a charger reconnecting too often is flapping and a silent one goes offline", "[e2e][rules]")
{
    RulesServer server(R"(
[[rule]]
name = "flapping"
kind = "flapping"
max_reconnects = 2
window_s = 600

[[rule]]
name = "offline"
kind = "offline"
heartbeat_multiple = 2
)",
                       "[ocpp]\nheartbeat_interval_s = 1\n");
    for (int i = 0; i < 3; ++i) {
        accepted_charger(server.csmsd->ws_port(), "FLAP-1")->close();
    }
    // Three connections in ten minutes, and then silence for over two heartbeat intervals.
    CHECK(wait_until(
        [&] {
            return server.alerts() == Rows{{"flapping", "FLAP-1", "0", "open"}, {"offline", "FLAP-1", "0", "open"}} ||
                   server.alerts() == Rows{{"offline", "FLAP-1", "0", "open"}, {"flapping", "FLAP-1", "0", "open"}};
        },
        20s));
    auto back = accepted_charger(server.csmsd->ws_port(), "FLAP-1");
    // Back, and heartbeating every half interval as told: the next scan clears it.
    CHECK(wait_until(
        [&] {
            back->call("Heartbeat", "{}");
            TestDb db(server.csmsd->db_path());
            return db.rows("SELECT state FROM alerts WHERE rule = 'offline'") == Rows{{"cleared"}};
        },
        20s, 500ms));
}

TEST_CASE("Rules: a critical security event opens one alert of its rule", "[e2e][rules]")
{
    RulesServer server(R"(
[[rule]]
name = "tamper"
kind = "security_event"
severity = "critical"
clear_after_s = 3600
)");
    auto cp = accepted_charger(server.csmsd->ws_port(), "SEC-1");
    for (int i = 0; i < 3; ++i) {
        cp->call("SecurityEventNotification",
                 R"({"type":"TamperDetectionActivated","timestamp":")" + test_time(i * 1000) + R"("})");
    }
    cp->call("SecurityEventNotification",
             R"({"type":"InvalidFirmwareSignature","timestamp":")" + test_time(5000) + R"("})");
    // One alert for the rule however many events; csmsd's own rule-less alert per critical event stays as it was.
    auto by_rule = [&] {
        TestDb db(server.csmsd->db_path());
        return db.rows("SELECT ifnull(rule, '-'), charger_id, state, count(*) FROM alerts GROUP BY rule ORDER BY rule");
    };
    CHECK(wait_until(
        [&] {
            return by_rule() == Rows{{"-", "SEC-1", "open", "3"}, {"tamper", "SEC-1", "open", "1"}};
        },
        10s));
}

namespace {

std::string sample_set(std::int64_t offset_ms, const std::string& values, int transaction_id = 0)
{
    return R"({"connectorId":1,)" +
           (transaction_id > 0 ? R"("transactionId":)" + std::to_string(transaction_id) + "," : std::string()) +
           R"("meterValue":[{"timestamp":")" + test_time(offset_ms) + R"(","sampledValue":[)" + values + "]}]}";
}

std::string value(const std::string& measurand, const std::string& v, const std::string& unit,
                  const std::string& phase = "")
{
    return R"({"value":")" + v + R"(","measurand":")" + measurand + R"(","unit":")" + unit + R"(")" +
           (phase.empty() ? std::string() : R"(,"phase":")" + phase + R"(")") + "}";
}

Rows rule_alerts(const RulesServer& server, const std::string& rule)
{
    TestDb db(server.csmsd->db_path());
    return db.rows("SELECT charger_id, connector_id, state FROM alerts WHERE rule = '" + rule + "' ORDER BY id");
}

} // namespace

TEST_CASE("Rules: a car drawing more than it is offered and a meter running backwards", "[e2e][rules]")
{
    RulesServer server(R"(
[[rule]]
name = "over-offered"
kind = "relative"
measurand = "Current.Import"
percent = 110
relative_to = "Current.Offered"

[[rule]]
name = "meter"
kind = "meter_anomaly"
clear_after_s = 60
)");
    auto cp = accepted_charger(server.csmsd->ws_port(), "AMPS-1");
    cp->call("MeterValues",
             sample_set(0, value("Current.Offered", "16", "A") + "," + value("Current.Import", "24", "A", "L1") + "," +
                               value("Energy.Active.Import.Register", "5000", "Wh")));
    CHECK(wait_until([&] { return rule_alerts(server, "over-offered") == Rows{{"AMPS-1", "1", "open"}}; }, 10s));
    cp->call("MeterValues",
             sample_set(10'000, value("Current.Offered", "16", "A") + "," + value("Current.Import", "16", "A", "L1") +
                                    "," + value("Energy.Active.Import.Register", "4000", "Wh")));
    CHECK(wait_until([&] { return rule_alerts(server, "over-offered") == Rows{{"AMPS-1", "1", "cleared"}}; }, 10s));
    CHECK(wait_until([&] { return rule_alerts(server, "meter") == Rows{{"AMPS-1", "1", "open"}}; }, 10s));
    // Counting again from there, for the clear delay: cleared.
    cp->call("MeterValues", sample_set(100'000, value("Energy.Active.Import.Register", "4100", "Wh")));
    cp->call("MeterValues", sample_set(160'000, value("Energy.Active.Import.Register", "4200", "Wh")));
    CHECK(wait_until([&] { return rule_alerts(server, "meter") == Rows{{"AMPS-1", "1", "cleared"}}; }, 10s));
}

TEST_CASE("Rules: a Charging connector that stops sampling is stuck until samples resume", "[e2e][rules]")
{
    RulesServer server(R"(
[[rule]]
name = "stuck"
kind = "stuck_transaction"
sample_multiple = 2
)");
    auto cp = accepted_charger(server.csmsd->ws_port(), "STUCK-1");
    // The charger's sample interval as csmsd tracks it: an accepted ChangeConfiguration.
    auto changed = std::async(std::launch::async, [&] {
        return http_request(server.csmsd->admin_port(), "POST", "/api/v1/chargers/STUCK-1/commands/ChangeConfiguration",
                            R"({"key":"MeterValueSampleInterval","value":"1"})", server.token);
    });
    auto call = cp->read(10s);
    REQUIRE(call.status == ReadStatus::message);
    rapidjson::Document frame;
    frame.Parse(call.text.c_str());
    REQUIRE((frame.IsArray() && frame.Size() == 4 && std::string(frame[2].GetString()) == "ChangeConfiguration"));
    REQUIRE(cp->send_text("[3,\"" + unique_id(frame) + R"(",{"status":"Accepted"}])"));
    REQUIRE(changed.get().status == 200);

    auto started = cp->call("StartTransaction",
                            R"({"connectorId":1,"idTag":"TAG1","meterStart":0,"timestamp":")" + test_time(0) + R"("})");
    int transaction_id = started[2]["transactionId"].GetInt();
    cp->call("StatusNotification", R"({"connectorId":1,"errorCode":"NoError","status":"Charging"})");
    // Two intervals without a sample, then a scan: open.
    CHECK(wait_until([&] { return rule_alerts(server, "stuck") == Rows{{"STUCK-1", "1", "open"}}; }, 15s));
    // Sampling resumes, every half interval as a charger would: the next scan clears it.
    int sent = 0;
    auto resumed = [&] {
        ++sent;
        cp->call("MeterValues",
                 sample_set(5000 + sent * 500, value("Energy.Active.Import.Register", std::to_string(100 + sent), "Wh"),
                            transaction_id));
        return rule_alerts(server, "stuck") == Rows{{"STUCK-1", "1", "cleared"}};
    };
    CHECK(wait_until(resumed, 15s, 500ms));
}

TEST_CASE("Rules: a charger whose sessions deliver a fraction of its rated power is degraded", "[e2e][rules]")
{
    RulesServer server(R"(
[[rule]]
name = "weak"
kind = "degraded"
min_percent_of_rated = 50
last_sessions = 2
)");
    auto cp = accepted_charger(server.csmsd->ws_port(), "WEAK-1");
    REQUIRE(server.ctl({"chargers", "set", "WEAK-1", "--rated-power-kw", "22"}).status.success());
    // Two one-hour sessions of 5 and 6 kWh: 5.5 kW on average, a quarter of 22 kW.
    std::int64_t hour = 3'600'000;
    for (int i = 0; i < 2; ++i) {
        auto started = cp->call("StartTransaction", R"({"connectorId":1,"idTag":"TAG1","meterStart":0,"timestamp":")" +
                                                        test_time(2 * i * hour) + R"("})");
        cp->call("StopTransaction", R"({"transactionId":)" + std::to_string(started[2]["transactionId"].GetInt()) +
                                        R"(,"meterStop":)" + std::to_string(5000 + 1000 * i) + R"(,"timestamp":")" +
                                        test_time((2 * i + 1) * hour) + R"("})");
    }
    CHECK(wait_until([&] { return rule_alerts(server, "weak") == Rows{{"WEAK-1", "0", "open"}}; }, 15s));
    TestDb db(server.csmsd->db_path());
    CHECK(db.rows("SELECT message FROM alerts WHERE rule = 'weak'") ==
          Rows{{"average power of the last 2 sessions 5500 W, rated 22000 W"}});
}
