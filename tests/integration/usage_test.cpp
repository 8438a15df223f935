// The usage reports as a planner meets them: three chargers in two cities
// live three days of March (chargers stamp their own messages), csmsd's
// statistics catch up, and csmsctl's load, region and charger reports say
// what the test works out from the sessions it sent, as JSON, CSV and SVG.
#include "support/admin_bootstrap.hpp"
#include "support/admin_server.hpp"
#include "support/charger.hpp"
#include "support/csmsctl_run.hpp"
#include "support/csmsd_process.hpp"
#include "support/ocpp_json.hpp"
#include "support/test_db.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <fstream>
#include <map>
#include <sstream>

using namespace csms::test;
using namespace std::chrono_literals;

namespace {

// 2026-03-DD hh:mm UTC (the site zone is csmsd's default, UTC).
std::string at(int day, int hh, int mm = 0)
{
    char out[40];
    std::snprintf(out, sizeof out, "2026-03-%02dT%02d:%02d:00.000Z", day, hh, mm);
    return out;
}

class UsageFixture {
public:
    UsageFixture()
    {
        bootstrap_admin(dir_, dir_.file("csms.db"), dir_.file("token"));
        csmsd_ = std::make_unique<CsmsdProcess>(dir_);
    }

    CsmsdProcess& csmsd() { return *csmsd_; }
    std::string file(const std::string& name) { return dir_.file(name); }

    ProcessResult run_ctl(const std::vector<std::string>& args)
    {
        return run_csmsctl(dir_, csmsd_->admin_port(), dir_.file("token"), args);
    }

    std::string ctl(const std::vector<std::string>& args)
    {
        auto r = run_ctl(args);
        INFO(r.errors);
        REQUIRE(r.status.success());
        CHECK(r.out.find("USAGETAG") == std::string::npos); // no id tag leaves in a report
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

struct Session {
    int day, start_hh, start_mm, stop_hh, stop_mm;
    std::int64_t energy_wh;
    std::string reason;
};

// One charger's three days: Available from midnight on the 9th, Charging
// during each session, and a Faulted night if asked.
void live(WsClient& cp, const std::vector<Session>& sessions)
{
    cp.call("StatusNotification", status_payload(1, "Available", at(9, 0)));
    std::int64_t meter = 0;
    for (const auto& s : sessions) {
        cp.call("StatusNotification", status_payload(1, "Charging", at(s.day, s.start_hh, s.start_mm)));
        auto reply =
            cp.call("StartTransaction", start_payload(1, "USAGETAG", meter, at(s.day, s.start_hh, s.start_mm)));
        auto id = static_cast<std::int64_t>(std::stoll(result_string(reply, "transactionId")));
        meter += s.energy_wh;
        cp.call("StopTransaction", JsonObject()
                                       .set("transactionId", id)
                                       .set("meterStop", meter)
                                       .set("timestamp", at(s.day, s.stop_hh, s.stop_mm))
                                       .set("reason", s.reason)
                                       .str());
        cp.call("StatusNotification", status_payload(1, "Available", at(s.day, s.stop_hh, s.stop_mm)));
    }
}

std::map<std::string, const rapidjson::Value*> by_bucket(const rapidjson::Document& doc, const char* key = "bucket")
{
    std::map<std::string, const rapidjson::Value*> out;
    for (const auto& item : doc["items"].GetArray()) {
        out[item[key].GetString()] = &item;
    }
    return out;
}

std::size_t count(const std::string& text, const std::string& what)
{
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

std::string read(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

TEST_CASE("Usage: three chargers over three days read back by hour day region "
          "and worst charger first",
          "[e2e][usage]")
{
    UsageFixture f;
    auto u1 = accepted_charger(f.csmsd().ws_port(), "U-1");
    auto u2 = accepted_charger(f.csmsd().ws_port(), "U-2");
    auto u3 = accepted_charger(f.csmsd().ws_port(), "U-3");
    f.ctl({"chargers", "set", "U-1", "--region", "Guangdong/Shenzhen/Nanshan/Coastal Park", "--rated-power-kw", "7"});
    f.ctl({"chargers", "set", "U-2", "--region", "Guangdong/Shenzhen/Futian", "--rated-power-kw", "22"});
    f.ctl({"chargers", "set", "U-3", "--region", "Guangdong/Dongguan/Songshan Lake", "--rated-power-kw", "7"});

    // U-1: 7 kWh 08:00-09:00 on the 9th and 3.5 kWh 12:00-12:30 on the 11th.
    live(*u1, {{9, 8, 0, 9, 0, 7000, "Local"}, {11, 12, 0, 12, 30, 3500, "Local"}});
    // U-2: 11 kWh 08:30-09:30 on the 9th, half an hour beside U-1's.
    live(*u2, {{9, 8, 30, 9, 30, 11000, "Local"}});
    // U-3: 3.5 kWh 18:00-19:00 on the 10th, ended by an emergency stop, then
    // Faulted until 07:00 on the 11th.
    live(*u3, {{10, 18, 0, 19, 0, 3500, "EmergencyStop"}});
    u3->call("StatusNotification", status_payload(1, "Faulted", at(10, 19)));
    u3->call("StatusNotification", status_payload(1, "Available", at(11, 7)));

    // What the statistics must hold before reading: per charger over the
    // three days, energy, charging s, available s, sessions and faults.
    const std::vector<TestDb::Row> caught_up{{"U-1", "10500", "5400", "259200", "2", "0"},
                                             {"U-2", "11000", "3600", "259200", "1", "0"},
                                             {"U-3", "3500", "3600", "216000", "1", "1"}};
    auto totals = [&] {
        TestDb db(f.csmsd().db_path());
        return db.rows("SELECT charger_id, CAST(round(sum(energy_wh)) AS INTEGER), "
                       "sum(charging_s), "
                       "sum(available_s), sum(sessions_started), sum(faults) FROM stats_days "
                       "WHERE local_date BETWEEN '2026-03-09' AND '2026-03-11' AND "
                       "connector_id = 1 "
                       "GROUP BY charger_id ORDER BY charger_id");
    };
    REQUIRE(wait_until([&] { return totals() == caught_up; }, 40s));
    const std::vector<std::string> range{"--from", "2026-03-09", "--to", "2026-03-11"};
    auto with_range = [&](std::vector<std::string> args) {
        args.insert(args.end(), range.begin(), range.end());
        return args;
    };

    { // load by hour and by day
        auto hours = f.ctl_json(with_range({"usage", "load", "--by", "hour", "--svg", f.file("hours.svg")}));
        CHECK(count(read(f.file("hours.svg")), "<rect class=\"bar\"") == 48); // 24 hours of energy and of sessions
        CHECK(hours["time_zone"].GetString() == std::string("UTC"));
        REQUIRE(hours["items"].Size() == 24);
        auto h = by_bucket(hours);
        // 08: U-1's whole 7 kWh and the first half of U-2's 11 kWh.
        CHECK((*h["08"])["energy_wh"].GetDouble() == Approx(7000 + 5500));
        CHECK((*h["08"])["sessions"].GetInt() == 2);
        CHECK((*h["08"])["charging_s"].GetInt() == 3600 + 1800);
        CHECK((*h["08"])["connectors"].GetInt() == 3);
        CHECK((*h["08"])["bucket_s"].GetInt() == 3 * 3600);
        CHECK((*h["08"])["utilisation"].GetDouble() == Approx(5400.0 / (3 * 3 * 3600)).margin(0.0001));
        CHECK((*h["08"])["peak_concurrent_sessions"].GetInt() == 2);
        CHECK((*h["09"])["energy_wh"].GetDouble() == Approx(5500));
        CHECK((*h["09"])["peak_concurrent_sessions"].GetInt() == 1);
        CHECK((*h["12"])["energy_wh"].GetDouble() == Approx(3500));
        CHECK((*h["18"])["energy_wh"].GetDouble() == Approx(3500));
        CHECK((*h["03"])["energy_wh"].GetDouble() == 0);
        CHECK((*h["03"])["peak_concurrent_sessions"].GetInt() == 0);

        auto days = f.ctl_json(with_range({"usage", "load", "--by", "day"}));
        REQUIRE(days["items"].Size() == 3);
        auto d = by_bucket(days);
        CHECK((*d["2026-03-09"])["energy_wh"].GetDouble() == Approx(18000));
        CHECK((*d["2026-03-09"])["sessions"].GetInt() == 2);
        CHECK((*d["2026-03-09"])["peak_concurrent_sessions"].GetInt() == 2);
        CHECK((*d["2026-03-10"])["energy_wh"].GetDouble() == Approx(3500));
        CHECK((*d["2026-03-10"])["utilisation"].GetDouble() == Approx(3600.0 / (3 * 86400)).margin(0.0001));
        CHECK((*d["2026-03-11"])["peak_concurrent_sessions"].GetInt() == 1);

        auto weeks = f.ctl_json(with_range({"usage", "load", "--by", "week"}));
        REQUIRE(weeks["items"].Size() == 1);
        CHECK(weeks["items"][0]["bucket"].GetString() == std::string("2026-W11"));
        CHECK(weeks["items"][0]["energy_wh"].GetDouble() == Approx(25000));

        auto table = f.ctl(with_range({"usage", "load", "--by", "day"}));
        CHECK_THAT(table, Catch::StartsWith("DATE        SESSIONS  ENERGY WH") && Catch::Contains("2026-03-09"));

        auto csv = f.ctl(with_range({"usage", "load", "--by", "day", "--csv", "--svg", f.file("days.svg")}));
        CHECK_THAT(csv, Catch::StartsWith("bucket,connectors,sessions,energy_wh,charging_s,bucket_s,"
                                          "utilisation,"
                                          "peak_concurrent_sessions\n2026-03-09,3,2,18000.0,7200,86400,"));
        CHECK(count(csv, "\n") == 4);
        auto svg = read(f.file("days.svg"));
        CHECK_THAT(svg, Catch::StartsWith("<?xml") && Catch::Contains("<svg xmlns=\"http://www.w3.org/2000/svg\"") &&
                            Catch::EndsWith("</svg>\n"));
        CHECK(count(svg, "<rect class=\"bar\"") == 6); // three days of energy and of sessions
    }

    { // regions at the city level and under a filter
        auto cities = f.ctl_json(with_range({"usage", "regions", "--level", "city"}));
        CHECK(cities["level"].GetString() == std::string("city"));
        REQUIRE(cities["items"].Size() == 2);
        const auto& shenzhen = cities["items"][0]; // the busiest first
        CHECK(shenzhen["bucket"].GetString() == std::string("Guangdong/Shenzhen"));
        CHECK(shenzhen["energy_wh"].GetDouble() == Approx(21500));
        CHECK(shenzhen["sessions"].GetInt() == 3);
        CHECK(shenzhen["connectors"].GetInt() == 2);
        CHECK(shenzhen["peak_concurrent_sessions"].GetInt() == 2);
        CHECK(cities["items"][1]["bucket"].GetString() == std::string("Guangdong/Dongguan"));
        CHECK(cities["items"][1]["energy_wh"].GetDouble() == Approx(3500));

        auto districts =
            f.ctl_json(with_range({"usage", "regions", "--level", "district", "--region", "Guangdong/Shenzhen"}));
        auto d = by_bucket(districts);
        REQUIRE(d.size() == 2);
        CHECK((*d["Guangdong/Shenzhen/Futian"])["energy_wh"].GetDouble() == Approx(11000));
        CHECK((*d["Guangdong/Shenzhen/Nanshan"])["energy_wh"].GetDouble() == Approx(10500));

        auto csv =
            f.ctl(with_range({"usage", "regions", "--level", "district", "--region", "Guangdong/Shenzhen", "--csv"}));
        CHECK(csv == "bucket,connectors,sessions,energy_wh,charging_s,bucket_s,utilisation,peak_concurrent_sessions\n"
                     "Guangdong/Shenzhen/Futian,1,1,11000.0,3600,259200,0.0139,1\n"
                     "Guangdong/Shenzhen/Nanshan,1,2,10500.0,5400,259200,0.0208,1\n");

        f.ctl(with_range({"usage", "regions", "--svg", f.file("regions.svg")}));
        CHECK(count(read(f.file("regions.svg")), "<rect class=\"bar\"") == 4); // two cities, two panels
    }

    { // chargers worst first
        auto chargers = f.ctl_json(with_range({"usage", "chargers"}));
        REQUIRE(chargers["items"].Size() == 3);
        auto c = by_bucket(chargers, "charger_id");
        // U-3 was Faulted 12 of its 72 hours and its only session failed;
        // U-1 and U-2 were always available and succeeded, U-2 at half its rating.
        CHECK(chargers["items"][0]["charger_id"].GetString() == std::string("U-3"));
        CHECK(chargers["items"][1]["charger_id"].GetString() == std::string("U-2"));
        CHECK(chargers["items"][2]["charger_id"].GetString() == std::string("U-1"));
        const auto& worst_one = *c["U-3"];
        CHECK(worst_one["rank"].GetInt() == 1);
        CHECK(worst_one["availability"].GetDouble() == Approx(216000.0 / 259200).margin(0.0001));
        CHECK(worst_one["success_rate"].GetDouble() == 0);
        CHECK(worst_one["faults"].GetInt() == 1);
        CHECK(worst_one["average_pct_of_rated"].GetDouble() == Approx(50));
        const auto& best = *c["U-1"];
        CHECK(best["sessions"].GetInt() == 2);
        CHECK(best["energy_per_session_wh"].GetDouble() == Approx(5250));
        CHECK(best["average_power_w"].GetDouble() == Approx(7000)); // 10.5 kWh in 1.5 h
        CHECK(best["average_pct_of_rated"].GetDouble() == Approx(100));
        CHECK(best["success_rate"].GetDouble() == 1);
        CHECK(best["availability"].GetDouble() == 1);
        CHECK((*c["U-2"])["average_pct_of_rated"].GetDouble() == Approx(50));

        auto worst = f.ctl_json(with_range({"usage", "chargers", "--limit", "1"}));
        REQUIRE(worst["items"].Size() == 1);
        CHECK(worst["items"][0]["charger_id"].GetString() == std::string("U-3"));

        auto table = f.ctl(with_range({"usage", "chargers", "--svg", f.file("worst.svg")}));
        CHECK_THAT(table, Catch::StartsWith("RANK  CHARGER") && Catch::Contains("1     U-3"));
        auto svg = read(f.file("worst.svg"));
        CHECK(count(svg, "<rect class=\"bar\"") == 3);
        CHECK(svg.find("1. U-3") < svg.find("2. U-2"));
    }

    { // bad parameters are refused with a reason
        auto backwards = f.run_ctl({"usage", "load", "--from", "2026-03-11", "--to", "2026-03-09"});
        CHECK_FALSE(backwards.status.success());
        CHECK_THAT(backwards.errors, Catch::Contains("to must not be before from"));
        auto long_range = f.run_ctl({"usage", "chargers", "--from", "2025-01-01", "--to", "2026-03-09"});
        CHECK_FALSE(long_range.status.success());
        CHECK_THAT(long_range.errors, Catch::Contains("longer than 366 days"));
        auto both = f.run_ctl({"--json", "usage", "load", "--csv", "--from", "2026-03-09", "--to", "2026-03-09"});
        CHECK_FALSE(both.status.success());
    }
}

TEST_CASE("Usage API: bad parameters are 400 with the reason and customer service may not read the reports",
          "[e2e][usage][admin]")
{
    TempDir dir;
    AdminServer server(dir);
    auto get = [&](const std::string& target) { return server.call("GET", target, server.root_token); };
    CHECK(get("/api/v1/usage?by=day&from=2026-03-09&to=2026-03-11").status == 200);
    CHECK(get("/api/v1/usage/chargers?from=2026-03-09&to=2026-03-09").status == 200);
    const std::vector<std::pair<std::string, std::string>> refused{
        {"/api/v1/usage?from=2026-03-09&to=2026-03-11", "by is required"},
        {"/api/v1/usage?by=month&from=2026-03-09&to=2026-03-11", "by must be hour, day, week or region"},
        {"/api/v1/usage?by=day&to=2026-03-11", "from is required"},
        {"/api/v1/usage?by=day&from=2026-02-30&to=2026-03-11", "from must be a local date"},
        {"/api/v1/usage?by=day&from=2026-03-09T00:00:00Z&to=2026-03-11", "from must be a local date"},
        {"/api/v1/usage?by=day&from=2026-03-11&to=2026-03-09", "to must not be before from"},
        {"/api/v1/usage?by=day&from=2025-03-09&to=2026-03-10", "longer than 366 days"},
        {"/api/v1/usage?by=region&level=street&from=2026-03-09&to=2026-03-11", "level must be"},
        {"/api/v1/usage?by=region&region=%20%2F&from=2026-03-09&to=2026-03-11", "region must be a path"},
        {"/api/v1/usage/chargers?from=2026-03-09&to=2026-03-11&limit=0", "limit must be a number from 1 to 1000"},
    };
    for (const auto& [target, reason] : refused) {
        INFO(target);
        auto answer = get(target);
        CHECK(answer.status == 400);
        CHECK(error_code_of(answer) == "bad_request");
        CHECK_THAT(AdminServer::parse(answer.body)["error"]["message"].GetString(), Catch::Contains(reason));
    }
    // 366 days, both ends included, is the longest range.
    CHECK(get("/api/v1/usage?by=week&from=2025-03-10&to=2026-03-10").status == 200);

    auto clerk = server.add_operator("clerk", "customer_service");
    CHECK(server.call("GET", "/api/v1/usage?by=day&from=2026-03-09&to=2026-03-11", clerk).status == 403);
    CHECK(server.call("GET", "/api/v1/usage/chargers?from=2026-03-09&to=2026-03-11", clerk).status == 403);
}
