// The rule engine as an operator meets it: a rules file given to csmsd, a
// charger reporting what it reports, and alerts opening and clearing in the
// store by themselves, once each.
#include "support/charger.hpp"
#include "support/csmsd_process.hpp"
#include "support/test_db.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace csms::test;

namespace {

constexpr const char* rules_toml = R"(
[[rule]]
name = "hot-connector"
kind = "threshold"
measurand = "Temperature"
above = 70
for_s = 30
clear_after_s = 60
severity = "critical"

[[rule]]
name = "faulted"
kind = "faulted"
error_codes = ["GroundFailure"]
)";

std::string temperature(int connector, std::int64_t offset_ms, int celsius)
{
    return R"({"connectorId":)" + std::to_string(connector) + R"(,"meterValue":[{"timestamp":")" +
           test_time(offset_ms) + R"(","sampledValue":[{"value":")" + std::to_string(celsius) +
           R"(","measurand":"Temperature","unit":"Celsius"}]}]})";
}

CsmsdOptions with_rules(const TempDir& dir)
{
    std::ofstream(dir.file("rules.toml")) << rules_toml;
    std::ofstream(dir.file("csmsd.toml")) << "[rules]\nfile = \"" << dir.file("rules.toml") << "\"\n";
    CsmsdOptions options;
    options.extra_args = {"--config", dir.file("csmsd.toml")};
    return options;
}

std::vector<TestDb::Row> alerts(const CsmsdProcess& csmsd)
{
    TestDb db(csmsd.db_path());
    return db.rows("SELECT rule, charger_id, connector_id, state, severity FROM alerts ORDER BY id");
}

} // namespace

TEST_CASE("Rules: an over-temperature opens one alert after its hold and clears after its delay", "[e2e][rules]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir, with_rules(dir));
    auto cp = accepted_charger(csmsd.ws_port(), "HOT-1");
    cp->call("MeterValues", temperature(1, 0, 80));
    cp->call("MeterValues", temperature(1, 10'000, 85)); // hot for 10 s: not yet
    cp->call("MeterValues", temperature(1, 40'000, 82)); // hot for 40 s: open
    for (int i = 0; i < 20; ++i) {                       // a flood of hot samples: still one alert
        cp->call("MeterValues", temperature(1, 41'000 + i * 1000, 90));
    }
    using Rows = std::vector<TestDb::Row>;
    const Rows open{{"hot-connector", "HOT-1", "1", "open", "critical"}};
    REQUIRE(wait_until([&] { return alerts(csmsd) == open; }, std::chrono::seconds(10)));

    cp->call("MeterValues", temperature(1, 100'000, 50)); // cool, but not for long enough
    cp->call("MeterValues", temperature(1, 120'000, 51));
    // A later hot connector is another alert; this one must still be open.
    cp->call("MeterValues", temperature(2, 120'000, 95));
    cp->call("MeterValues", temperature(2, 160'000, 95));
    const Rows two_open{{"hot-connector", "HOT-1", "1", "open", "critical"},
                        {"hot-connector", "HOT-1", "2", "open", "critical"}};
    REQUIRE(wait_until([&] { return alerts(csmsd) == two_open; }, std::chrono::seconds(10)));

    cp->call("MeterValues", temperature(1, 160'000, 49)); // cool for 60 s: clears
    const Rows cleared{{"hot-connector", "HOT-1", "1", "cleared", "critical"},
                       {"hot-connector", "HOT-1", "2", "open", "critical"}};
    CHECK(wait_until([&] { return alerts(csmsd) == cleared; }, std::chrono::seconds(10)));
}

TEST_CASE("Rules: a connector faulted with a listed error raises an alert that clears when it recovers", "[e2e][rules]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir, with_rules(dir));
    auto cp = accepted_charger(csmsd.ws_port(), "FAULT-1");
    cp->call("StatusNotification", R"({"connectorId":1,"errorCode":"HighTemperature","status":"Faulted"})");
    cp->call("StatusNotification", R"({"connectorId":2,"errorCode":"GroundFailure","status":"Faulted"})");
    using Rows = std::vector<TestDb::Row>;
    REQUIRE(wait_until(
        [&] {
            return alerts(csmsd) == Rows{{"faulted", "FAULT-1", "2", "open", "warning"}};
        },
        std::chrono::seconds(10)));
    cp->call("StatusNotification", R"({"connectorId":2,"errorCode":"NoError","status":"Available"})");
    CHECK(wait_until(
        [&] {
            return alerts(csmsd) == Rows{{"faulted", "FAULT-1", "2", "cleared", "warning"}};
        },
        std::chrono::seconds(10)));
}

TEST_CASE("Rules: a bad rules file stops csmsd with its file and line", "[e2e][rules]")
{
    TempDir dir;
    std::ofstream(dir.file("rules.toml"))
        << "[[rule]]\nname = \"x\"\nkind = \"threshold\"\nmeasurand = \"Temperature\"\n"
           "abvoe = 70\n";
    std::ofstream(dir.file("csmsd.toml")) << "[rules]\nfile = \"" << dir.file("rules.toml") << "\"\n";
    auto r = run_program({bin_path("csmsd"), "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--db",
                          dir.file("csms.db"), "--config", dir.file("csmsd.toml")},
                         dir.file("csmsd.err"), std::chrono::seconds(20));
    CHECK_FALSE(r.status.success());
    CHECK_THAT(r.errors, Catch::Contains("rules.toml:5") && Catch::Contains("abvoe"));
}
