// A connector's meter values read back for a chart: a real charger sends
// MeterValues to a real csmsd, and the samples come back through the admin
// API and csmsctl in time order, in base units, filtered by measurand,
// phase and time, with a 400 that says what was wrong.
#include "support/admin_server.hpp"
#include "support/charger.hpp"
#include "support/csmsctl_run.hpp"
#include "support/csmsd_process.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <string>
#include <vector>

using namespace csms::test;

namespace {

JsonObject sampled(std::string_view measurand, std::string_view value, std::string_view unit,
                   std::string_view phase = "", std::string_view location = "")
{
    JsonObject s;
    s.set("value", value).set("measurand", measurand).set("unit", unit);
    if (!phase.empty()) {
        s.set("phase", phase);
    }
    if (!location.empty()) {
        s.set("location", location);
    }
    return s;
}

// One meterValue of six readings at `at_ms` (test_time), the k-th of a series.
std::string six_values(int connector, std::int64_t at_ms, int k)
{
    JsonObject meter_value;
    const auto n = std::to_string(k);
    meter_value.set("timestamp", test_time(at_ms))
        .set("sampledValue",
             {sampled("Energy.Active.Import.Register", "1." + n + "00", "kWh"),
              sampled("Power.Active.Import", "740" + n + ".5", "W"), sampled("Current.Import", "32." + n, "A", "L1"),
              sampled("Voltage", "23" + n, "V", "L1-N"), sampled("Temperature", "77", "Fahrenheit", "", "Body"),
              sampled("SoC", "4" + n, "Percent", "", "EV")});
    return JsonObject().set("connectorId", connector).set("meterValue", {meter_value}).str();
}

std::vector<std::string> strings_of(const rapidjson::Value& samples, const char* key)
{
    std::vector<std::string> out;
    for (const auto& s : samples.GetArray()) {
        out.emplace_back(s[key].GetString());
    }
    return out;
}

std::vector<double> values_of(const rapidjson::Value& samples)
{
    std::vector<double> out;
    for (const auto& s : samples.GetArray()) {
        out.push_back(s["v"].GetDouble());
    }
    return out;
}

} // namespace

TEST_CASE("Samples: a connector's meter values come back for a chart in time order, base units and filters",
          "[e2e][admin][samples]")
{
    TempDir dir;
    AdminServer server(dir);
    auto cp = accepted_charger(server.csmsd->ws_port(), "CHART-1");
    // Sent out of order (the second minute last), as a charger that
    // empties its offline queue after a live reading might.
    REQUIRE(is_call_result(cp->call("MeterValues", six_values(1, 0, 0))));
    REQUIRE(is_call_result(cp->call("MeterValues", six_values(1, 120'000, 2))));
    REQUIRE(is_call_result(cp->call("MeterValues", six_values(1, 60'000, 1))));
    REQUIRE(is_call_result(cp->call("MeterValues", six_values(2, 30'000, 9)))); // another connector
    // A signed reading has no number and is left out.
    JsonObject signed_value;
    signed_value.set("timestamp", test_time(90'000))
        .set("sampledValue",
             {JsonObject().set("value", "AB01FF").set("measurand", "Power.Active.Import").set("format", "SignedData")});
    REQUIRE(is_call_result(
        cp->call("MeterValues", JsonObject().set("connectorId", 1).set("meterValue", {signed_value}).str())));

    const std::string base = "/api/v1/chargers/CHART-1/samples?connector=1";
    auto get = [&](const std::string& query) {
        auto r = server.call("GET", base + query, server.root_token);
        INFO(r.body);
        REQUIRE(r.status == 200);
        return AdminServer::parse(r.body);
    };

    SECTION("one measurand: one series in its base unit, oldest first")
    {
        auto power = get("&measurand=Power.Active.Import");
        REQUIRE(power["series"].Size() == 1);
        const auto& series = power["series"][0];
        CHECK(std::string(series["measurand"].GetString()) == "Power.Active.Import");
        CHECK(series["phase"].IsNull());
        CHECK(std::string(series["location"].GetString()) == "Outlet");
        CHECK(std::string(series["unit"].GetString()) == "W");
        CHECK(strings_of(series["samples"], "t") ==
              std::vector<std::string>{test_time(0), test_time(60'000), test_time(120'000)});
        CHECK(values_of(series["samples"]) == std::vector<double>{7400.5, 7401.5, 7402.5});
        CHECK(power["count"].GetInt() == 3);
        CHECK_FALSE(power["truncated"].GetBool());

        auto energy = get("&measurand=Energy.Active.Import.Register");
        REQUIRE(energy["series"].Size() == 1);
        CHECK(std::string(energy["series"][0]["unit"].GetString()) == "Wh");
        const auto& kwh = energy["series"][0]["samples"];
        CHECK(values_of(kwh) == std::vector<double>{1000, 1100, 1200});
        CHECK(kwh[0]["v"].IsInt64()); // an integral reading is written as an integer

        auto temperature = get("&measurand=Temperature");
        CHECK(std::string(temperature["series"][0]["unit"].GetString()) == "Celsius");
        CHECK(std::string(temperature["series"][0]["location"].GetString()) == "Body");
        CHECK(values_of(temperature["series"][0]["samples"]) == std::vector<double>{25, 25, 25});
    }

    SECTION("every measurand, a phase, the other connector")
    {
        auto all = get("");
        CHECK(all["series"].Size() == 6);
        CHECK(all["count"].GetInt() == 18);
        auto l1 = get("&measurand=Current.Import&phase=L1");
        REQUIRE(l1["series"].Size() == 1);
        CHECK(std::string(l1["series"][0]["phase"].GetString()) == "L1");
        CHECK(values_of(l1["series"][0]["samples"]) == std::vector<double>{32.0, 32.1, 32.2});
        CHECK(get("&measurand=Current.Import&phase=L2")["series"].Size() == 0);
        auto other =
            server.call("GET", "/api/v1/chargers/CHART-1/samples?connector=2&measurand=SoC", server.root_token);
        auto doc = AdminServer::parse(other.body);
        REQUIRE(doc["series"].Size() == 1);
        CHECK(values_of(doc["series"][0]["samples"]) == std::vector<double>{49});
    }

    SECTION("the time filter takes from and leaves out to; limit truncates; columns")
    {
        auto middle = get("&measurand=SoC&from=" + test_time(60'000) + "&to=" + test_time(120'000));
        REQUIRE(middle["series"].Size() == 1);
        CHECK(strings_of(middle["series"][0]["samples"], "t") == std::vector<std::string>{test_time(60'000)});
        CHECK(std::string(middle["from"].GetString()) == test_time(60'000));

        auto day = get("&measurand=SoC&from=2025-03-01&to=2025-03-01");
        CHECK(day["series"][0]["samples"].Size() == 3);
        CHECK(get("&measurand=SoC&from=2025-03-02")["series"].Size() == 0);

        auto two = get("&limit=2&measurand=SoC");
        CHECK(two["count"].GetInt() == 2);
        CHECK(two["truncated"].GetBool());

        auto columns = get("&measurand=SoC&format=columns");
        const auto& s = columns["series"][0];
        REQUIRE(s["t"].Size() == 3);
        CHECK(s["t"][1].GetInt64() - s["t"][0].GetInt64() == 60'000);
        REQUIRE(s["v"].Size() == 3);
        CHECK(s["v"][2].GetDouble() == 42);
    }

    SECTION("bad parameters are a 400 that says what was expected; a role without transactions.read a 403")
    {
        auto bad = [&](const std::string& target) {
            auto r = server.call("GET", target, server.root_token);
            CHECK(r.status == 400);
            CHECK(error_code_of(r) == "bad_request");
            return std::string(AdminServer::parse(r.body)["error"]["message"].GetString());
        };
        CHECK_THAT(bad(base + "&measurand=Power.Active.Imprt"), Catch::Contains("did you mean Power.Active.Import"));
        CHECK_THAT(bad("/api/v1/chargers/CHART-1/samples?measurand=SoC"), Catch::Contains("connector is required"));
        CHECK_THAT(bad(base + "&from=yesterday"), Catch::Contains("from must be a date"));
        CHECK_THAT(bad(base + "&from=2025-03-02&to=2025-03-01"), Catch::Contains("from must be before to"));
        CHECK_THAT(bad(base + "&phase=L4"), Catch::Contains("phase must be"));
        CHECK_THAT(bad(base + "&limit=0"), Catch::Contains("limit must be"));
        CHECK_THAT(bad(base + "&measurnd=SoC"), Catch::Contains("unknown parameter 'measurnd'"));
        CHECK_THAT(bad(base + "&format=csv"), Catch::Contains("format must be points or columns"));
        auto tech = server.add_operator("tess", "technical");
        CHECK(server.call("GET", base, tech).status == 403);
    }

    SECTION("csmsctl prints each series as a table in time order, and the API's answer with --json")
    {
        auto ctl = [&](std::vector<std::string> args) {
            return run_csmsctl(dir, server.csmsd->admin_port(), server.root_token_file(), args);
        };
        auto table = ctl({"chargers", "samples", "CHART-1", "--connector", "1", "--measurand", "Power.Active.Import"});
        INFO(table.errors);
        REQUIRE(table.status.success());
        CHECK_THAT(table.out, Catch::Contains("Power.Active.Import (Outlet, W): 3 samples"));
        const auto first = table.out.find(test_time(0) + "  7400.5");
        const auto second = table.out.find(test_time(60'000) + "  7401.5");
        const auto third = table.out.find(test_time(120'000) + "  7402.5");
        CHECK(first != std::string::npos);
        CHECK(second != std::string::npos);
        CHECK(third != std::string::npos);
        CHECK((first < second && second < third));

        auto json = ctl({"--json", "charger", "samples", "CHART-1", "--connector", "1", "--measurand", "SoC", "--from",
                         test_time(60'000)});
        REQUIRE(json.status.success());
        auto doc = AdminServer::parse(json.out);
        CHECK(values_of(doc["series"][0]["samples"]) == std::vector<double>{41, 42});

        auto refused = ctl({"chargers", "samples", "CHART-1", "--connector", "1", "--measurand", "Power"});
        CHECK(refused.status.code == 1);
        CHECK_THAT(refused.errors, Catch::Contains("csmsctl: bad_request: measurand must be"));
    }
}
