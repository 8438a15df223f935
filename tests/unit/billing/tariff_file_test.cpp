#include "billing/tariff_book.hpp"
#include "support/temp_dir.hpp"

#include "base/time_format.hpp"

#include "support/operator_file_text.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <initializer_list>
#include <string>

using namespace csms;
using namespace csms::billing;
using namespace std::chrono;
using csms::test::TempDir;

namespace {

using csms::test::toml_lines;

std::string error_of(const std::string& text)
{
    return csms::test::parse_error<TariffFileError>([&] { parse_tariffs(text, "tariffs.toml"); });
}

// A one-tariff file whose [[tariff]] starts at line 1, with extra lines after
// its prices (line 4 on).
std::string tariff_with(std::initializer_list<std::string_view> extra)
{
    std::string text =
        toml_lines({"[[tariff]]", "name = \"t\"", "default_period = \"flat\"", "prices = { peak = 1.2, flat = 0.8 }"});
    for (auto line : extra) {
        text += std::string(line) + "\n";
    }
    return text;
}

// The ```toml block under "## The tariffs file" in docs/billing.md.
std::string doc_example()
{
    std::ifstream in(std::string(CSMS_SCHEMA_DIR) + "/../docs/billing.md");
    REQUIRE(in);
    std::string block;
    bool in_section = false, in_block = false;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("## ", 0) == 0) {
            in_section = line == "## The tariffs file";
        } else if (in_section && !in_block && line == "```toml") {
            in_block = true;
        } else if (in_block && line == "```") {
            return block;
        } else if (in_block) {
            block += line + "\n";
        }
    }
    FAIL("no ```toml block under '## The tariffs file' in docs/billing.md");
    return "";
}

base::SysTime utc(const std::string& text)
{
    return *base::parse_date_time(text);
}

} // namespace

TEST_CASE("Tariffs file: the example in docs/billing.md reads to exact prices fees periods and dates",
          "[billing][tariff_file]")
{
    auto book = parse_tariffs(doc_example(), "docs/billing.md");
    CHECK(book.currency == "CNY");
    REQUIRE(book.zone);
    CHECK(book.zone->name() == "Asia/Shanghai");
    REQUIRE(book.tariffs.size() == 2);

    const Tariff& standard = book.tariffs.at("standard");
    CHECK(standard.name == "standard");
    CHECK(standard.currency == "CNY");
    CHECK(standard.energy_price ==
          std::map<std::string, UnitPrice>{{"peak", 12'000}, {"flat", 8'000}, {"valley", 3'500}});
    CHECK(standard.default_period == "flat");
    CHECK(standard.service_fee_per_kwh == 4'000);
    CHECK(standard.idle_fee_per_minute == 50);
    CHECK(standard.idle_grace == minutes{15});
    CHECK(standard.session_fee == 0);
    CHECK(standard.minimum_fee == 100);
    REQUIRE(standard.schedule.size() == 2);
    const auto& valley = standard.schedule[0];
    CHECK(valley.period == "valley");
    CHECK(valley.weekdays.empty());
    CHECK_FALSE(valley.from_date);
    CHECK_FALSE(valley.to_date);
    REQUIRE(valley.windows.size() == 1);
    CHECK(valley.windows[0].from_minute == 23 * 60);
    CHECK(valley.windows[0].to_minute == 7 * 60);
    const auto& peak = standard.schedule[1];
    CHECK(peak.period == "peak");
    CHECK(peak.weekdays == std::vector<int>{0, 1, 2, 3, 4});
    REQUIRE(peak.windows.size() == 2);
    CHECK(peak.windows[1].from_minute == 18 * 60);
    CHECK(peak.windows[1].to_minute == 21 * 60);
    CHECK(peak.from_date == year_month_day{2026y / July / 1});
    CHECK(peak.to_date == year_month_day{2026y / September / 30});
    // The periods as a session would meet them: a summer Thursday at 11:00 is
    // peak, the same time in November is not, 23:30 is valley.
    CHECK(period_at(standard, local_days{2026y / July / 2} + 11h) == "peak");
    CHECK(period_at(standard, local_days{2026y / November / 26} + 11h) == "flat");
    CHECK(period_at(standard, local_days{2026y / November / 26} + 23h + 30min) == "valley");

    const Tariff& fleet = book.tariffs.at("fleet");
    CHECK(fleet.energy_price == std::map<std::string, UnitPrice>{{"flat", 6'500}});
    CHECK(fleet.minimum_fee == 0);
    CHECK(fleet.schedule.empty());

    REQUIRE(book.assignments.size() == 4);
    const auto& everywhere = book.assignments[0];
    CHECK(everywhere.tariff == "standard");
    CHECK(everywhere.scope == AssignmentScope::everywhere);
    CHECK(everywhere.value.empty());
    CHECK(everywhere.effective_from == utc("2025-12-31T16:00:00Z")); // local midnight in Shanghai
    CHECK(book.assignments[1].scope == AssignmentScope::region);
    CHECK(book.assignments[1].value == "Guangdong/Shenzhen");
    CHECK(book.assignments[2].scope == AssignmentScope::tag_group);
    CHECK(book.assignments[2].value == "FLEET-A");
    CHECK(book.assignments[3].scope == AssignmentScope::charger);
    CHECK(book.assignments[3].value == "CP-001");
    CHECK(book.assignments[3].effective_from == utc("2026-05-31T16:00:00Z"));
    CHECK(book.assignments[3].line > book.assignments[2].line);
}

TEST_CASE("Tariffs file: an empty file is a book with no tariffs in UTC and CNY", "[billing][tariff_file]")
{
    auto book = parse_tariffs("# nothing priced yet\n", "tariffs.toml");
    CHECK(book.tariffs.empty());
    CHECK(book.assignments.empty());
    CHECK(book.currency == "CNY");
    REQUIRE(book.zone);
    CHECK(book.zone->name() == "UTC");
    CHECK(book.choose(SessionPlace{"CP-1", std::nullopt, std::nullopt}, utc("2026-11-26T08:00:00Z")).tariff == nullptr);
}

TEST_CASE("Tariffs file: decimals are converted exactly and never rounded away", "[billing][tariff_file]")
{
    auto read = [](std::string_view prices, std::string_view fees) {
        auto book = parse_tariffs(toml_lines({"[[tariff]]", "name = \"t\"", "default_period = \"flat\"", prices, fees}),
                                  "tariffs.toml");
        return book.tariffs.at("t");
    };
    auto t = read("prices = { flat = 0.7823, peak = 2, valley = 0.1 }", "idle_fee_per_minute = 0.29");
    CHECK(t.energy_price.at("flat") == 7'823);
    CHECK(t.energy_price.at("peak") == 20'000);
    CHECK(t.energy_price.at("valley") == 1'000);
    CHECK(t.idle_fee_per_minute == 29); // 0.29 * 100 is 28.999999999999996 in doubles
    CHECK(read("prices = { flat = 1.0000 }", "session_fee = 1.10").session_fee == 110);
    CHECK(read("prices = { flat = 0.0001 }", "minimum_fee = 0.01").energy_price.at("flat") == 1);

    CHECK(error_of(tariff_with({"minimum_fee = 1.005"})) ==
          "tariffs.toml:5: tariff 't': minimum_fee 1.005 has more than 2 decimals");
    CHECK(error_of(tariff_with({"service_fee_per_kwh = 0.40005"})) ==
          "tariffs.toml:5: tariff 't': service_fee_per_kwh 0.40005 has more than 4 decimals");
    CHECK(error_of(tariff_with({"idle_fee_per_minute = 0.125"})) ==
          "tariffs.toml:5: tariff 't': idle_fee_per_minute 0.125 has more than 2 decimals");
}

TEST_CASE("Tariffs file: each mistake names the file line and field", "[billing][tariff_file]")
{
    struct Case {
        std::string text;
        std::string message;
    };
    const Case cases[] = {
        // tariffs
        {toml_lines({"[[tariff]]", "default_period = \"flat\"", "prices = { flat = 1 }"}),
         "tariffs.toml:1: tariff #1: missing name"},
        {tariff_with({"idle_fee = 0.5"}),
         "tariffs.toml:5: tariff 't': unknown key 'idle_fee' (known: name, default_period, prices, "
         "service_fee_per_kwh, idle_fee_per_minute, idle_grace_minutes, session_fee, minimum_fee or period)"},
        {toml_lines({"[[tariff]]", "name = \"t\"", "default_period = \"flat\"", "prices = { flat = \"0.8\" }"}),
         "tariffs.toml:4: tariff 't': price 'flat' must be a number"},
        {toml_lines({"[[tariff]]", "name = \"t\"", "default_period = \"flat\"", "prices = { flat = -0.8 }"}),
         "tariffs.toml:4: tariff 't': price 'flat' must not be negative"},
        {toml_lines({"[[tariff]]", "name = \"t\"", "default_period = \"flat\"", "prices = { flat = 0.12345 }"}),
         "tariffs.toml:4: tariff 't': price 'flat' 0.12345 has more than 4 decimals"},
        {toml_lines({"[[tariff]]", "name = \"t\"", "default_period = \"flat\"", "prices = { flat = inf }"}),
         "tariffs.toml:4: tariff 't': price 'flat' must be a finite number"},
        {toml_lines({"[[tariff]]", "name = \"t\"", "default_period = \"flat\""}),
         "tariffs.toml:1: tariff 't': missing prices (a price per kWh for each period, e.g. { flat = 0.8000 })"},
        {toml_lines({"[[tariff]]", "name = \"t\"", "default_period = \"night\"", "prices = { flat = 1 }"}),
         "tariffs.toml:3: tariff 't': default_period 'night' has no price (prices has flat)"},
        {toml_lines({"[[tariff]]", "name = \"t\"", "prices = { flat = 1 }"}),
         "tariffs.toml:1: tariff 't': missing default_period"},
        {tariff_with({"session_fee = -1"}), "tariffs.toml:5: tariff 't': session_fee must not be negative"},
        {tariff_with({"minimum_fee = \"1.00\""}), "tariffs.toml:5: tariff 't': minimum_fee must be a number"},
        {tariff_with({"idle_grace_minutes = 7.5"}),
         "tariffs.toml:5: tariff 't': idle_grace_minutes must be a whole number from 0 to 1440"},
        {tariff_with({"", "[[tariff]]", "name = \"t\"", "default_period = \"flat\"", "prices = { flat = 1 }"}),
         "tariffs.toml:6: tariff 't': name is already used by the tariff at line 1"},
        {toml_lines({"[[tariff]]", "name = \"peak hours\"", "default_period = \"flat\"", "prices = { flat = 1 }"}),
         "tariffs.toml:2: tariff #1: name 'peak hours' must be 1 to 64 of the characters A-Z a-z 0-9 _ . -"},
        // periods
        {tariff_with({"[[tariff.period]]", "period = \"valley\"", "windows = [\"23:00-07:00\"]"}),
         "tariffs.toml:6: tariff 't' period #1: period 'valley' has no price (prices has flat or peak)"},
        {tariff_with({"[[tariff.period]]", "period = \"peak\"", "weekdays = [\"mon\", \"tues\"]",
                      "windows = [\"10:00-15:00\"]"}),
         "tariffs.toml:7: tariff 't' period #1: weekdays[1] 'tues' is not one of mon, tue, wed, thu, fri, sat or sun "
         "(did you mean 'tue'?)"},
        {tariff_with({"[[tariff.period]]", "period = \"peak\"", "weekdays = []", "windows = [\"10:00-15:00\"]"}),
         "tariffs.toml:7: tariff 't' period #1: weekdays must name at least one day (leave it out for every day)"},
        {tariff_with({"[[tariff.period]]", "period = \"peak\"", "windows = [\"25:00-26:00\"]"}),
         "tariffs.toml:7: tariff 't' period #1: windows[0] '25:00-26:00' must be local times \"HH:MM-HH:MM\" such as "
         "\"10:00-15:00\" (00:00 to 24:00)"},
        {tariff_with({"[[tariff.period]]", "period = \"peak\"", "windows = [\"10:00-15:00\", \"10:00-10:00\"]"}),
         "tariffs.toml:7: tariff 't' period #1: windows[1] '10:00-10:00' is empty: it must end at another time than "
         "it starts"},
        {tariff_with({"[[tariff.period]]", "period = \"peak\"", "windows = [\"10:00\"]"}),
         "tariffs.toml:7: tariff 't' period #1: windows[0] '10:00' must be local times \"HH:MM-HH:MM\" such as "
         "\"10:00-15:00\" (00:00 to 24:00)"},
        {tariff_with({"[[tariff.period]]", "period = \"peak\""}),
         "tariffs.toml:5: tariff 't' period #1: missing windows (local times such as [\"10:00-15:00\", "
         "\"23:00-07:00\"])"},
        {tariff_with({"[[tariff.period]]", "period = \"peak\"", "windows = [\"10:00-15:00\"]", "from = \"2026-09-30\"",
                      "to = \"2026-07-01\""}),
         "tariffs.toml:9: tariff 't' period #1: from 2026-09-30 is after to 2026-07-01"},
        {tariff_with(
             {"[[tariff.period]]", "period = \"peak\"", "windows = [\"10:00-15:00\"]", "from = \"2026-02-30\""}),
         "tariffs.toml:8: tariff 't' period #1: from '2026-02-30' must be a date such as \"2026-07-01\""},
        {tariff_with({"[[tariff.period]]", "period = \"peak\"", "window = [\"10:00-15:00\"]"}),
         "tariffs.toml:7: tariff 't' period #1: unknown key 'window' (known: period, weekdays, windows, from or to)"},
        {tariff_with({"[tariff.period]", "period = \"peak\""}),
         "tariffs.toml:5: tariff 't': period must be written [[tariff.period]] (an array of tables)"},
        // assignments
        {tariff_with({"[[assign]]", "tariff = \"gold\"", "from = \"2026-01-01\""}),
         "tariffs.toml:6: assign #1: tariff 'gold' is not a [[tariff]] of this file"},
        {tariff_with(
             {"[[assign]]", "tariff = \"t\"", "charger = \"CP-1\"", "region = \"Guangdong\"", "from = \"2026-01-01\""}),
         "tariffs.toml:8: assign #1: give at most one of tag_group, charger or region (none: everywhere)"},
        {tariff_with({"[[assign]]", "tariff = \"t\"", "from = \"2026-13-01\""}),
         "tariffs.toml:7: assign #1: from '2026-13-01' must be a date such as \"2026-07-01\""},
        {tariff_with({"[[assign]]", "tariff = \"t\"", "from = \"1 Jan 2026\""}),
         "tariffs.toml:7: assign #1: from '1 Jan 2026' must be a date such as \"2026-07-01\""},
        {tariff_with({"[[assign]]", "tariff = \"t\""}),
         "tariffs.toml:5: assign #1: missing from (the local date the tariff takes effect, e.g. \"2026-01-01\")"},
        {tariff_with({"[[assign]]", "tariff = \"t\"", "region = \"Guangdong//Shenzhen\"", "from = \"2026-01-01\""}),
         "tariffs.toml:7: assign #1: region 'Guangdong//Shenzhen' must be a path such as \"Guangdong/Shenzhen\" (no "
         "empty parts between slashes)"},
        {tariff_with({"[[assign]]", "tariff = \"t\"", "charger = \"\"", "from = \"2026-01-01\""}),
         "tariffs.toml:7: assign #1: charger must not be empty (leave it out for everywhere)"},
        {tariff_with({"[[assign]]", "tariff = \"t\"", "site = \"Shenzhen\"", "from = \"2026-01-01\""}),
         "tariffs.toml:7: assign #1: unknown key 'site' (known: tariff, from, tag_group, charger or region)"},
        {tariff_with({"[[assign]]", "tariff = \"t\"", "region = \"Guangdong\"", "from = \"2026-01-01\"", "[[assign]]",
                      "tariff = \"t\"", "from = \"2026-01-01\"", "region = \"Guangdong\""}),
         "tariffs.toml:9: assign #2: region 'Guangdong' already has a tariff from the same date (the assignment at "
         "line 5)"},
        {tariff_with({"[[assign]]", "tariff = \"t\"", "from = \"2026-01-01\"", "[[assign]]", "tariff = \"t\"",
                      "from = 2026-01-01"}),
         "tariffs.toml:8: assign #2: everywhere already has a tariff from the same date (the assignment at line 5)"},
        // the file
        {toml_lines({"currency = \"cny\""}),
         "tariffs.toml:1: currency 'cny' must be an ISO 4217 code of three capital letters such as \"CNY\""},
        {toml_lines({"", "time_zone = \"Mars/Olympus\""}),
         "tariffs.toml:2: time zone 'Mars/Olympus': unknown (no /usr/share/zoneinfo/Mars/Olympus"},
        {toml_lines({"[tariff]", "name = \"t\""}),
         "tariffs.toml:1: tariff must be written [[tariff]] (an array of tables)"},
        {toml_lines({"[[tarif]]", "name = \"t\""}),
         "tariffs.toml:1: unknown top-level key 'tarif' (the file holds currency, time_zone, [[tariff]] and "
         "[[assign]])"},
        {toml_lines({"[[tariff]]", "name = \"t"}), "tariffs.toml:2: invalid TOML: "},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        CHECK_THAT(error_of(c.text), Catch::StartsWith(c.message));
    }
}

TEST_CASE("Tariffs file: a window may end at 24:00 and may wrap midnight", "[billing][tariff_file]")
{
    auto book = parse_tariffs(tariff_with({"[[tariff.period]]", "period = \"peak\"", "weekdays = [\"sat\", \"sun\"]",
                                           "windows = [\"00:00-24:00\", \"22:00-06:30\"]"}),
                              "tariffs.toml");
    const auto& rule = book.tariffs.at("t").schedule.at(0);
    CHECK(rule.weekdays == std::vector<int>{5, 6});
    REQUIRE(rule.windows.size() == 2);
    CHECK(rule.windows[0].from_minute == 0);
    CHECK(rule.windows[0].to_minute == 24 * 60);
    CHECK(rule.windows[1].from_minute == 22 * 60);
    CHECK(rule.windows[1].to_minute == 6 * 60 + 30);
    CHECK(period_at(book.tariffs.at("t"), local_days{2026y / November / 28} + 23h + 59min) == "peak"); // Saturday
    CHECK(period_at(book.tariffs.at("t"), local_days{2026y / November / 27} + 23h + 59min) == "flat"); // Friday
    CHECK_THAT(error_of(tariff_with({"[[tariff.period]]", "period = \"peak\"", "windows = [\"24:00-06:00\"]"})),
               Catch::StartsWith("tariffs.toml:7: tariff 't' period #1: windows[0] '24:00-06:00' must be local times"));
}

TEST_CASE("Tariffs file: a different tariff on the same place from a later date is history not a duplicate",
          "[billing][tariff_file]")
{
    auto book =
        parse_tariffs(tariff_with({"[[assign]]", "tariff = \"t\"", "charger = \"CP-1\"", "from = \"2026-01-01\"",
                                   "[[assign]]", "tariff = \"t\"", "charger = \"CP-1\"", "from = \"2026-07-01\"",
                                   "[[assign]]", "tariff = \"t\"", "region = \"CP-1\"", "from = \"2026-01-01\""}),
                      "tariffs.toml");
    CHECK(book.assignments.size() == 3);
}

TEST_CASE("Tariffs file: load_tariff_file reads a file and names it in errors", "[billing][tariff_file]")
{
    TempDir dir;
    auto good = dir.file("tariffs.toml");
    std::ofstream(good) << tariff_with({"[[assign]]", "tariff = \"t\"", "from = \"2026-01-01\""});
    auto book = load_tariff_file(good);
    CHECK(book.tariffs.count("t") == 1);
    CHECK(book.assignments.size() == 1);

    auto bad = dir.file("bad.toml");
    std::ofstream(bad) << tariff_with({"minimum_fee = 0.001"});
    CHECK_THROWS_WITH(load_tariff_file(bad), bad + ":5: tariff 't': minimum_fee 0.001 has more than 2 decimals");

    auto missing = dir.file("nope.toml");
    CHECK_THROWS_AS(load_tariff_file(missing), TariffFileError);
    CHECK_THROWS_WITH(load_tariff_file(missing), Catch::StartsWith(missing + ": cannot read the tariffs file: "));
}
