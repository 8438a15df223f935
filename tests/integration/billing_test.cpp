// Billing as customer service and finance meet it: a session's bill read
// line by line with csmsctl, a meter that went backwards flagged and alerted
// instead of billed, corrections as adjustment records, an export for the
// period, and a simulated week whose totals the test works out itself.
#include "support/admin_bootstrap.hpp"
#include "support/charger.hpp"
#include "support/csmsctl_run.hpp"
#include "support/csmsd_process.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

using namespace csms::test;
using namespace std::chrono_literals;

namespace {

// Peak 08:00-12:00 and 18:00-22:00 at 1.2000, valley otherwise at 0.3500,
// service 0.4000 per kWh, idle 0.50 a minute after 10 free minutes.
constexpr const char* tariffs_toml = R"(currency = "CNY"
time_zone = "Asia/Shanghai"

[[tariff]]
name = "standard"
default_period = "valley"
prices = { peak = 1.2000, valley = 0.3500 }
service_fee_per_kwh = 0.40
idle_fee_per_minute = 0.50
idle_grace_minutes = 10

[[tariff.period]]
period = "peak"
windows = ["08:00-12:00", "18:00-22:00"]

[[assign]]
tariff = "standard"
from = "2026-01-01"
)";

// 2026-03-DD hh:mm in Asia/Shanghai (+08:00), in UTC.
std::string shanghai(int day, int hh, int mm)
{
    int utc_hour = hh - 8;
    if (utc_hour < 0) {
        utc_hour += 24;
        --day;
    }
    char out[40];
    std::snprintf(out, sizeof out, "2026-03-%02dT%02d:%02d:00.000Z", day, utc_hour, mm);
    return out;
}

class BillingFixture {
public:
    BillingFixture()
    {
        bootstrap_admin(dir_, dir_.file("csms.db"), dir_.file("token"));
        std::ofstream(dir_.file("tariffs.toml")) << tariffs_toml;
        std::ofstream(dir_.file("csmsd.toml")) << "[statistics]\ntime_zone = \"Asia/Shanghai\"\n[billing]\ntariffs = \""
                                               << dir_.file("tariffs.toml") << "\"\n";
        CsmsdOptions options;
        options.extra_args = {"--config", dir_.file("csmsd.toml")};
        csmsd_ = std::make_unique<CsmsdProcess>(dir_, options);
    }

    CsmsdProcess& csmsd() { return *csmsd_; }
    const TempDir& dir() const { return dir_; }

    ProcessResult run(const std::vector<std::string>& args, const std::string& token_file = "")
    {
        return run_csmsctl(dir_, csmsd_->admin_port(), token_file.empty() ? dir_.file("token") : token_file, args);
    }

    // stdout; the test fails when csmsctl exits non-zero.
    std::string ctl(const std::vector<std::string>& args, const std::string& token_file = "")
    {
        auto r = run(args, token_file);
        INFO(r.errors);
        REQUIRE(r.status.success());
        return r.out;
    }

    rapidjson::Document json(std::vector<std::string> args, const std::string& token_file = "")
    {
        args.insert(args.begin(), "--json");
        auto out = ctl(args, token_file);
        rapidjson::Document doc;
        doc.Parse(out.c_str());
        REQUIRE((doc.IsObject() || doc.IsArray()));
        return doc;
    }

    // The session records issued so far.
    rapidjson::SizeType session_records()
    {
        auto doc = json({"billing", "list", "--limit", "500"});
        rapidjson::SizeType n = 0;
        for (const auto& r : doc["items"].GetArray()) {
            n += r["kind"].GetString() == std::string("session") ? 1 : 0;
        }
        return n;
    }

    std::string token_for(const std::string& name, const std::string& role)
    {
        auto file = dir_.file(name + ".token");
        ctl({"operators", "add", name, "--role", role, "--token-out", file});
        return file;
    }

private:
    TempDir dir_;
    std::unique_ptr<CsmsdProcess> csmsd_;
};

std::int64_t start(WsClient& cp, const std::string& tag, std::int64_t meter_wh, const std::string& at,
                   int connector = 1)
{
    auto reply = cp.call("StartTransaction", start_payload(connector, tag, meter_wh, at));
    return std::stoll(result_string(reply, "transactionId"));
}

// One session as a charger reports it: Charging, the start, the stop,
// Finishing, and Available a minute later (inside the free idle time).
std::int64_t session(WsClient& cp, const std::string& tag, std::int64_t from_wh, std::int64_t to_wh, int day, int hh,
                     int mm, int minutes)
{
    cp.call("StatusNotification", status_payload(1, "Charging", shanghai(day, hh, mm)));
    auto tx = start(cp, tag, from_wh, shanghai(day, hh, mm));
    int end = hh * 60 + mm + minutes;
    cp.call("StopTransaction", stop_payload(tx, to_wh, shanghai(day, end / 60, end % 60)));
    cp.call("StatusNotification", status_payload(1, "Finishing", shanghai(day, end / 60, end % 60)));
    cp.call("StatusNotification", status_payload(1, "Available", shanghai(day, (end + 1) / 60, (end + 1) % 60)));
    return tx;
}

const rapidjson::Value* record_of(const rapidjson::Document& list, std::int64_t transaction_id)
{
    for (const auto& r : list["items"].GetArray()) {
        if (r["transaction_id"].GetInt64() == transaction_id && r["kind"].GetString() == std::string("session")) {
            return &r;
        }
    }
    return nullptr;
}

} // namespace

TEST_CASE("Billing: customer service explains a bill line by line, settles a flagged one and exports the period",
          "[e2e][billing]")
{
    BillingFixture f;
    f.ctl({"id-tags", "add", "CUST-1", "--payment-method", "app"});
    auto cp = accepted_charger(f.csmsd().ws_port(), "BILL-1");

    // 07:30-08:30 in Shanghai: 5 kWh before peak time, 5 kWh in it.
    cp->call("StatusNotification", status_payload(1, "Charging", shanghai(10, 7, 30)));
    auto tx = start(*cp, "CUST-1", 1000, shanghai(10, 7, 30));
    cp->call("MeterValues", meter_values_payload(1, shanghai(10, 8, 0), "6000"));
    cp->call("StopTransaction", stop_payload(tx, 11000, shanghai(10, 8, 30)));
    cp->call("StatusNotification", status_payload(1, "Finishing", shanghai(10, 8, 30)));
    cp->call("StatusNotification", status_payload(1, "Available", shanghai(10, 8, 52)));
    // A meter that went backwards.
    cp->call("StatusNotification", status_payload(1, "Charging", shanghai(10, 13, 0)));
    auto reset = start(*cp, "CUST-1", 11000, shanghai(10, 13, 0));
    cp->call("StopTransaction", stop_payload(reset, 400, shanghai(10, 14, 0)));
    cp->call("StatusNotification", status_payload(1, "Available", shanghai(10, 14, 1)));

    REQUIRE(wait_until([&] { return f.session_records() == 2; }, 20s));
    auto list = f.json({"billing", "list"});
    const auto* billed = record_of(list, tx);
    REQUIRE(billed != nullptr);
    auto id = std::to_string((*billed)["record_id"].GetInt64());
    // valley 5 kWh x 0.35 = 1.75, peak 5 kWh x 1.20 = 6.00, service 10 kWh x 0.40 = 4.00,
    // idle 08:30-08:52 = 22 min, 10 free: 12 x 0.50 = 6.00
    CHECK((*billed)["total"].GetInt64() == 1775);
    CHECK((*billed)["status"].GetString() == std::string("billed"));
    CHECK((*billed)["payment_method"].GetString() == std::string("app"));

    auto shown = f.ctl({"billing", "show", id});
    CHECK_THAT(shown, Catch::Contains("paid by app") && Catch::Contains("tariff standard"));
    // The times in UTC and on the tariffs' wall clock.
    CHECK_THAT(shown, Catch::Contains("tariff standard, 2026-03-09T23:30:00.000Z to 2026-03-10T00:30:00.000Z\n"
                                      "local 2026-03-10T07:30:00+08:00 to 2026-03-10T08:30:00+08:00 (Asia/Shanghai)"));
    CHECK_THAT(shown, Catch::Contains("energy 10.000 kWh (meter 1000 to 11000 Wh; samples say 5.000 kWh)"));
    CHECK_THAT(shown, Catch::Contains("LINE  ITEM     PERIOD  QUANTITY  UNIT PRICE  AMOUNT"));
    CHECK_THAT(shown, Catch::Contains("1     energy   peak    5.000     1.2000      6.00"));
    CHECK_THAT(shown, Catch::Contains("2     energy   valley  5.000     0.3500      1.75"));
    CHECK_THAT(shown, Catch::Contains("4     idle     -       12        0.5000      6.00"));
    CHECK_THAT(shown, Catch::Contains("total 17.75 CNY"));

    const auto* flagged = record_of(list, reset);
    REQUIRE(flagged != nullptr);
    auto flagged_id = std::to_string((*flagged)["record_id"].GetInt64());
    CHECK((*flagged)["status"].GetString() == std::string("flagged"));
    CHECK((*flagged)["total"].GetInt64() == 0);
    CHECK_THAT(f.ctl({"billing", "show", flagged_id}),
               Catch::Contains("anomalies negative_energy: not billed, settle with `csmsctl billing adjust " +
                               flagged_id + "`"));
    CHECK_THAT(f.ctl({"alerts", "list"}), Catch::Contains("billing_anomaly"));

    // Customer service corrects and settles; a technician sees no bills.
    auto carol = f.token_for("carol", "customer_service");
    auto refund =
        f.ctl({"billing", "adjust", id, "--amount", "-2.00", "--reason", "cable fault, 20 minutes lost"}, carol);
    CHECK_THAT(refund, Catch::Contains(", adjusts record " + id) && Catch::Contains("total -2.00 CNY") &&
                           Catch::Contains("reason cable fault, 20 minutes lost (by carol)"));
    f.ctl({"billing", "adjust", flagged_id, "--amount", "3.00", "--reason", "estimated from the car: 8 kWh"}, carol);
    CHECK_THAT(f.ctl({"billing", "show", id}), Catch::Contains("adjusted by record"));
    auto technician = f.token_for("tess", "technical");
    auto refused = f.run({"billing", "list"}, technician);
    CHECK(refused.status.code == 1);
    CHECK_THAT(refused.errors, Catch::StartsWith("csmsctl: forbidden: "));
    auto typo = f.run({"billing", "adjust", id, "--amount", "1.005", "--reason", "x"}, carol);
    CHECK(typo.status.code == 2);

    // The period's export adds up to what the customers owe.
    auto csv = f.ctl({"billing", "export", "--from", "2026-03-10", "--to", "2026-03-11"});
    std::istringstream lines(csv);
    std::string header, line;
    std::getline(lines, header);
    CHECK(header == "record_id,kind,status,adjusts_record_id,transaction_id,charger_id,connector_id,region,id_tag,"
                    "tag_group,payment_method,tariff,started_at,stopped_at,energy_kwh,total,currency,anomalies,reason");
    int rows = 0;
    while (std::getline(lines, line)) {
        ++rows;
    }
    CHECK(rows == 4);
    CHECK_THAT(csv, Catch::Contains(",adjustment,adjustment," + id + "," + std::to_string(tx) +
                                    ",BILL-1,1,,CUST-1,,app,standard,") &&
                        Catch::Contains(",-2.00,CNY,,\"cable fault, 20 minutes lost\""));
    auto exported = f.json({"billing", "export", "--format", "json"});
    REQUIRE(exported.IsArray());
    std::int64_t owed = 0;
    for (const auto& r : exported.GetArray()) {
        owed += r["total"].GetInt64();
    }
    CHECK(owed == 1775 - 200 + 0 + 300);
    CHECK_THAT(f.ctl({"audit", "list", "--action", "billing.adjust"}), Catch::Contains("carol"));
}

TEST_CASE("Billing: a tariffs file with a mistake is refused on reload and the tariffs in force stay", "[e2e][billing]")
{
    BillingFixture f;
    std::ofstream(f.dir().file("tariffs.toml"), std::ios::trunc)
        << "[[tariff]]\nname = \"standard\"\ndefault_period = \"flat\"\nprices = { flat = 1.23456 }\n";
    auto reload = f.run({"tariffs", "reload"});
    CHECK(reload.status.code == 1);
    CHECK_THAT(reload.errors, Catch::Contains("tariffs.toml:4") && Catch::Contains("unchanged"));
    CHECK_THAT(f.ctl({"tariffs", "show"}), Catch::Contains("standard") && Catch::Contains("peak"));

    std::ofstream(f.dir().file("tariffs.toml"), std::ios::trunc)
        << "[[tariff]]\nname = \"flat\"\ndefault_period = \"flat\"\nprices = { flat = 1.0 }\n"
           "[[assign]]\ntariff = \"flat\"\nfrom = \"2026-01-01\"\n";
    CHECK_THAT(f.ctl({"tariffs", "show"}), !Catch::Contains("flat"));
    auto shown = f.ctl({"tariffs", "reload"});
    CHECK_THAT(shown, Catch::Contains("flat") && !Catch::Contains("standard"));
}

namespace {

// The lines of the first ``` block in docs/billing.md under the heading
// `section` (any, when empty) whose first line starts with `first`.
std::string billing_doc_block(const std::string& section, const std::string& first)
{
    std::ifstream in(std::string(CSMS_SCHEMA_DIR) + "/../docs/billing.md");
    std::string line, block;
    bool in_section = section.empty(), in_block = false;
    while (std::getline(in, line)) {
        if (!in_block && line.rfind("## ", 0) == 0) {
            in_section = section.empty() || line == section;
        } else if (in_section && !in_block && line.rfind("```", 0) == 0) {
            in_block = true;
            block.clear();
        } else if (in_block && line == "```") {
            if (first.empty() || block.rfind(first, 0) == 0) {
                return block;
            }
            in_block = false;
        } else if (in_block) {
            block += line + "\n";
        }
    }
    return "";
}

} // namespace

TEST_CASE("Billing: tariffs show prints the tariffs file of docs/billing.md as it is written", "[e2e][billing]")
{
    BillingFixture f;
    const auto file = billing_doc_block("## The tariffs file", "");
    REQUIRE_THAT(file, Catch::Contains("[[tariff]]"));
    std::ofstream(f.dir().file("tariffs.toml"), std::ios::trunc) << file;
    const auto reloaded = f.ctl({"tariffs", "reload"});
    const auto shown = f.ctl({"tariffs", "show"});
    CHECK(reloaded == shown);

    // The output shown in docs/billing.md is this output.
    const std::string command = "$ csmsctl tariffs show\n";
    const auto documented = billing_doc_block("", command);
    REQUIRE_FALSE(documented.empty());
    CHECK(shown == documented.substr(command.size()));
    // Prices with their four decimals, fees as money, the period rules and
    // the assignments' dates as the file writes them.
    CHECK_THAT(shown, Catch::Contains("prices               flat 0.8000, peak 1.2000, valley 0.3500 CNY per kWh\n") &&
                          Catch::Contains("idle_fee_per_minute  0.50 CNY\n") &&
                          Catch::Contains("minimum_fee          1.00 CNY\n") &&
                          Catch::Contains("mon,tue,wed,thu,fri  2026-07-01  2026-09-30  10:00-15:00,18:00-21:00\n") &&
                          Catch::Contains("fleet     charger     CP-001              2026-06-01"));

    // The API carries the same words, exact decimal strings included.
    auto json = f.json({"tariffs", "show"});
    CHECK(std::string(json["time_zone"].GetString()) == "Asia/Shanghai");
    const auto& standard = json["tariffs"][0]; // in file order
    REQUIRE(std::string(standard["name"].GetString()) == "standard");
    CHECK(std::string(standard["prices"]["valley"].GetString()) == "0.3500");
    CHECK(std::string(standard["service_fee_per_kwh"].GetString()) == "0.4000");
    CHECK(std::string(standard["idle_fee_per_minute"].GetString()) == "0.50");
    CHECK(standard["idle_grace_minutes"].GetInt64() == 15);
    const auto& peak = standard["periods"][1];
    CHECK(std::string(peak["weekdays"][4].GetString()) == "fri");
    CHECK(std::string(peak["windows"][1].GetString()) == "18:00-21:00");
    CHECK(std::string(peak["to"].GetString()) == "2026-09-30");
    CHECK(standard["periods"][0]["from"].IsNull());
    const auto& everywhere = json["assignments"][0];
    CHECK(everywhere["value"].IsNull());
    CHECK(std::string(everywhere["from"].GetString()) == "2026-01-01");
    CHECK(std::string(everywhere["effective_from"].GetString()) == "2025-12-31T16:00:00.000Z");
}

TEST_CASE("Billing: a simulated week's records and usage reports add up to totals the test works out itself",
          "[e2e][billing][usage]")
{
    BillingFixture f;
    auto coast = accepted_charger(f.csmsd().ws_port(), "WEEK-A");
    auto city = accepted_charger(f.csmsd().ws_port(), "WEEK-B");
    f.ctl({"chargers", "set", "WEEK-A", "--region", "Guangdong/Shenzhen/Nanshan/Coastal Park"});
    f.ctl({"chargers", "set", "WEEK-B", "--region", "Guangdong/Guangzhou/Tianhe/Station 2"});

    // Monday 9 to Sunday 15 March, three 45-minute sessions a day on each
    // charger, each inside one period: 02:00 (valley), 09:00 and 19:00 (peak).
    std::map<int, std::int64_t> owed_by_day, energy_by_day;
    std::map<std::string, std::int64_t> owed_by_charger, energy_by_charger;
    std::int64_t owed = 0, energy = 0;
    int sessions = 0;
    std::map<std::string, std::int64_t> meter{{"WEEK-A", 0}, {"WEEK-B", 0}};
    auto rounded = [](std::int64_t wh, std::int64_t price_e4) { return (wh * price_e4 + 50'000) / 100'000; };
    for (int day = 9; day <= 15; ++day) {
        for (int hour : {2, 9, 19}) {
            for (auto* cp : {coast.get(), city.get()}) {
                std::string id = cp == coast.get() ? "WEEK-A" : "WEEK-B";
                std::int64_t wh = 1000 + ((day * 7 + hour * 3 + (cp == coast.get() ? 0 : 5)) % 11) * 950;
                session(*cp, sessions % 2 == 0 ? "WEEK-1" : "WEEK-2", meter[id], meter[id] + wh, day, hour, 0, 45);
                meter[id] += wh;
                std::int64_t total = rounded(wh, hour == 2 ? 3'500 : 12'000) + rounded(wh, 4'000);
                owed_by_day[day] += total;
                owed_by_charger[id] += total;
                energy_by_day[day] += wh;
                energy_by_charger[id] += wh;
                owed += total;
                energy += wh;
                ++sessions;
            }
        }
    }
    REQUIRE(sessions == 42);
    REQUIRE(wait_until([&] { return f.session_records() == 42; }, 30s));

    auto week = f.json({"billing", "export", "--format", "json", "--from", "2026-03-09", "--to", "2026-03-16"});
    std::int64_t billed = 0, billed_energy = 0;
    std::map<int, std::int64_t> billed_by_day;
    for (const auto& r : week.GetArray()) {
        CHECK(r["status"].GetString() == std::string("billed"));
        billed += r["total"].GetInt64();
        billed_energy += r["energy_wh"].GetInt64();
    }
    CHECK(week.Size() == 42);
    CHECK(billed == owed);
    CHECK(billed_energy == energy);
    for (int day = 9; day <= 15; ++day) {
        char from[32], to[32];
        std::snprintf(from, sizeof from, "2026-03-%02d", day);
        std::snprintf(to, sizeof to, "2026-03-%02d", day + 1);
        auto records = f.json({"billing", "export", "--format", "json", "--from", from, "--to", to});
        std::int64_t day_total = 0;
        for (const auto& r : records.GetArray()) {
            day_total += r["total"].GetInt64();
        }
        INFO(from);
        CHECK(records.Size() == 6);
        CHECK(day_total == owed_by_day[day]);
    }
    auto shenzhen = f.json({"billing", "export", "--format", "json", "--region", "Guangdong/Shenzhen"});
    std::int64_t shenzhen_total = 0;
    for (const auto& r : shenzhen.GetArray()) {
        CHECK(r["charger_id"].GetString() == std::string("WEEK-A"));
        shenzhen_total += r["total"].GetInt64();
    }
    CHECK(shenzhen_total == owed_by_charger["WEEK-A"]);

    // The same week in the usage reports, once the statistics have caught up:
    // six sessions a day, two at a time, the day's energy as charged.
    auto by_day = [&] {
        return f.json({"usage", "load", "--by", "day", "--from", "2026-03-09", "--to", "2026-03-15"});
    };
    auto week_energy = [&] {
        double sum = 0;
        auto days = by_day(); // the rows live in it
        for (const auto& row : days["items"].GetArray()) {
            sum += row["energy_wh"].GetDouble();
        }
        return sum;
    };
    REQUIRE(wait_until([&] { return week_energy() == Approx(static_cast<double>(energy)); }, 30s));
    auto days = by_day();
    REQUIRE(days["items"].Size() == 7);
    int day = 9;
    for (const auto& row : days["items"].GetArray()) {
        INFO(row["bucket"].GetString());
        CHECK(row["sessions"].GetInt() == 6);
        CHECK(row["energy_wh"].GetDouble() == Approx(static_cast<double>(energy_by_day[day++])));
        CHECK(row["peak_concurrent_sessions"].GetInt() == 2);
        CHECK(row["charging_s"].GetInt() == 6 * 45 * 60);
    }
    auto week_row = f.json({"usage", "load", "--by", "week", "--from", "2026-03-09", "--to", "2026-03-15"});
    REQUIRE(week_row["items"].Size() == 1);
    CHECK(week_row["items"][0]["bucket"].GetString() == std::string("2026-W11"));
    CHECK(week_row["items"][0]["sessions"].GetInt() == 42);
    // 2 connectors charging 42 x 45 minutes of the week's 2 x 7 x 24 hours
    CHECK(week_row["items"][0]["utilisation"].GetDouble() == Approx(42.0 * 45 / (2 * 7 * 24 * 60)).margin(0.0001));

    auto cities = f.json({"usage", "regions", "--level", "city", "--from", "2026-03-09", "--to", "2026-03-15"});
    REQUIRE(cities["items"].Size() == 2);
    for (const auto& row : cities["items"].GetArray()) {
        std::string place = row["bucket"].GetString();
        auto charger = place == "Guangdong/Shenzhen" ? "WEEK-A" : "WEEK-B";
        INFO(place);
        CHECK((place == "Guangdong/Shenzhen" || place == "Guangdong/Guangzhou"));
        CHECK(row["sessions"].GetInt() == 21);
        CHECK(row["energy_wh"].GetDouble() == Approx(static_cast<double>(energy_by_charger[charger])));
    }
    auto ranking = f.json({"usage", "chargers", "--from", "2026-03-09", "--to", "2026-03-15"});
    REQUIRE(ranking["items"].Size() == 2);
    for (const auto& row : ranking["items"].GetArray()) {
        CHECK(row["sessions"].GetInt() == 21);
        CHECK(row["success_rate"].GetDouble() == Approx(1.0));
    }
    auto chart = f.dir().file("week.svg");
    f.ctl({"usage", "load", "--by", "day", "--from", "2026-03-09", "--to", "2026-03-15", "--svg", chart});
    std::ifstream svg(chart);
    std::string text((std::istreambuf_iterator<char>(svg)), std::istreambuf_iterator<char>());
    CHECK_THAT(text, Catch::StartsWith("<?xml") && Catch::Contains("2026-03-15") && !Catch::Contains("WEEK-1"));
}
