#include "rules/rule_file.hpp"
#include "support/temp_dir.hpp"

#include "support/operator_file_text.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

using namespace csms::rules;
using namespace std::chrono_literals;
using csms::test::TempDir;

namespace {

using csms::test::toml_lines;

std::string error_of(const std::string& text)
{
    return csms::test::parse_error<RuleFileError>([&] { parse_rules(text, "rules.toml"); });
}

std::vector<std::string> schema_enum(const std::string& file, const std::string& pointer_path)
{
    std::ifstream in(std::string(CSMS_SCHEMA_DIR) + "/" + file);
    REQUIRE(in);
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    REQUIRE_FALSE(doc.HasParseError());
    const rapidjson::Value* node = &doc;
    std::istringstream path(pointer_path);
    for (std::string part; std::getline(path, part, '/');) {
        REQUIRE(node->HasMember(part.c_str()));
        node = &(*node)[part.c_str()];
    }
    std::vector<std::string> values;
    for (const auto& value : node->GetArray()) {
        values.emplace_back(value.GetString());
    }
    return values;
}

std::vector<std::string> as_strings(std::span<const std::string_view> list)
{
    return {list.begin(), list.end()};
}

} // namespace

TEST_CASE("rules file: one rule of every kind parses into the right fields", "[rules][rule_file]")
{
    auto text = toml_lines({
        "# every kind once",                     // 1
        "[[rule]]",                              // 2
        "name = \"connector-over-temperature\"", // 3
        "kind = \"threshold\"",                  // 4
        "measurand = \"Temperature\"",           // 5
        "above = 70.0",                          // 6
        "for_s = 30",                            // 7
        "clear_after_s = 60",                    // 8
        "severity = \"critical\"",               // 9
        "scope = { model = \"AC-22\" }",         // 10
        "",                                      // 11
        "[[rule]]",                              // 12
        "name = \"grid_voltage\"",               // 13
        "kind = \"range\"",                      // 14
        "measurand = \"Voltage\"",               // 15
        "phase = \"L1-N\"",                      // 16
        "min = 198",                             // 17
        "max = 242",                             // 18
        "scope = { region = \"Shenzhen\" }",     // 19
        "",                                      // 20
        "[[rule]]",                              // 21
        "name = \"over.current\"",               // 22
        "kind = \"relative\"",                   // 23
        "measurand = \"Current.Import\"",        // 24
        "percent = 110",                         // 25
        "relative_to = \"Current.Offered\"",     // 26
        "scope = { charger = \"CP-1\" }",        // 27
        "",                                      // 28
        "[[rule]]",                              // 29
        "name = \"faulted\"",                    // 30
        "kind = \"faulted\"",                    // 31
        "error_codes = [\"GroundFailure\", \"OverCurrentFailure\"]",
        "severity = \"info\"", // 33
        "",                    // 34
        "[[rule]]",            // 35
        "name = \"offline\"",
        "kind = \"offline\"",
        "heartbeat_multiple = 2.5",
        "",
        "[[rule]]", // 40
        "name = \"stuck\"",
        "kind = \"stuck_transaction\"",
        "sample_multiple = 4",
        "",
        "[[rule]]", // 45
        "name = \"meter\"",
        "kind = \"meter_anomaly\"",
        "max_jump_wh = 50000",
        "",
        "[[rule]]", // 50
        "name = \"slow\"",
        "kind = \"degraded\"",
        "min_percent_of_rated = 40",
        "last_sessions = 5",
        "",
        "[[rule]]", // 56
        "name = \"flapping\"",
        "kind = \"flapping\"",
        "max_reconnects = 5",
        "window_s = 600",
        "",
        "[[rule]]", // 62
        "name = \"security\"",
        "kind = \"security_event\"",
        "clear_after_s = 3600",
    });
    auto set = parse_rules(text, "rules.toml");
    CHECK(set.source == "rules.toml");
    REQUIRE(set.rules.size() == 10);

    const Rule& hot = set.rules[0];
    CHECK(hot.name == "connector-over-temperature");
    CHECK(hot.kind == RuleKind::threshold);
    CHECK(hot.severity == Severity::critical);
    CHECK(hot.measurand == "Temperature");
    CHECK_FALSE(hot.phase);
    CHECK(hot.above == 70.0);
    CHECK_FALSE(hot.below);
    CHECK(hot.for_duration == 30s);
    CHECK(hot.clear_after == 60s);
    CHECK(hot.scope.model == "AC-22");
    CHECK_FALSE(hot.scope.charger_id);
    CHECK_FALSE(hot.scope.region);
    CHECK(hot.line == 2);

    const Rule& voltage = set.rules[1];
    CHECK(voltage.kind == RuleKind::range);
    CHECK(voltage.severity == Severity::warning); // the default
    CHECK(voltage.measurand == "Voltage");
    CHECK(voltage.phase == "L1-N");
    CHECK(voltage.min == 198.0); // integers are accepted where numbers are
    CHECK(voltage.max == 242.0);
    CHECK(voltage.scope.region == "Shenzhen");
    CHECK(voltage.for_duration == 0s);
    CHECK(voltage.line == 12);

    const Rule& current = set.rules[2];
    CHECK(current.kind == RuleKind::relative);
    CHECK(current.measurand == "Current.Import");
    CHECK(current.percent == 110.0);
    CHECK(current.relative_to == "Current.Offered");
    CHECK(current.scope.charger_id == "CP-1");
    CHECK(current.line == 21);

    const Rule& faulted = set.rules[3];
    CHECK(faulted.kind == RuleKind::faulted);
    CHECK(faulted.severity == Severity::info);
    CHECK(faulted.error_codes == std::vector<std::string>{"GroundFailure", "OverCurrentFailure"});
    CHECK(faulted.measurand.empty());

    CHECK(set.rules[4].kind == RuleKind::offline);
    CHECK(set.rules[4].heartbeat_multiple == 2.5);
    CHECK(set.rules[5].kind == RuleKind::stuck_transaction);
    CHECK(set.rules[5].sample_multiple == 4.0);
    CHECK(set.rules[6].kind == RuleKind::meter_anomaly);
    CHECK(set.rules[6].max_jump_wh == 50000.0);
    CHECK(set.rules[7].kind == RuleKind::degraded);
    CHECK(set.rules[7].min_percent_of_rated == 40.0);
    CHECK(set.rules[7].last_sessions == 5);
    CHECK(set.rules[8].kind == RuleKind::flapping);
    CHECK(set.rules[8].max_reconnects == 5);
    CHECK(set.rules[8].window == 600s);
    CHECK(set.rules[9].kind == RuleKind::security_event);
    CHECK(set.rules[9].clear_after == 3600s);
    CHECK(set.rules[9].line == 62);

    for (const auto& rule : set.rules) {
        CHECK(rule.scope.charger_id.has_value() + rule.scope.model.has_value() + rule.scope.region.has_value() <= 1);
    }
}

TEST_CASE("rules file: optional fields take their documented defaults", "[rules][rule_file]")
{
    auto set = parse_rules(
        toml_lines({"[[rule]]", "name = \"a\"", "kind = \"offline\"", "[[rule]]", "name = \"b\"",
                    "kind = \"stuck_transaction\"", "[[rule]]", "name = \"c\"", "kind = \"faulted\"", "[[rule]]",
                    "name = \"d\"", "kind = \"threshold\"", "measurand = \"SoC\"", "below = 10"}),
        "rules.toml");
    REQUIRE(set.rules.size() == 4);
    CHECK(set.rules[0].heartbeat_multiple == 3.0);
    CHECK(set.rules[1].sample_multiple == 3.0);
    CHECK(set.rules[2].error_codes.empty()); // any error
    CHECK(set.rules[3].below == 10.0);
    CHECK_FALSE(set.rules[3].above);
    for (const auto& rule : set.rules) {
        CHECK(rule.severity == Severity::warning);
        CHECK_FALSE(rule.scope.charger_id);
        CHECK_FALSE(rule.scope.model);
        CHECK_FALSE(rule.scope.region);
    }
}

TEST_CASE("rules file: an empty file is a valid empty rule set", "[rules][rule_file]")
{
    CHECK(parse_rules("", "rules.toml").rules.empty());
    CHECK(parse_rules("# no rules yet\n\n", "rules.toml").rules.empty());
}

TEST_CASE("rules file: an unknown key is an error with its line and a suggestion", "[rules][rule_file]")
{
    auto message = error_of(toml_lines(
        {"[[rule]]", "name = \"hot\"", "kind = \"threshold\"", "measurand = \"Temperature\"", "abvoe = 70"}));
    CHECK(message == "rules.toml:5: rule 'hot': unknown key 'abvoe' (did you mean 'above'?)");
}

TEST_CASE("rules file: a value of the wrong type names the line and field", "[rules][rule_file]")
{
    auto message = error_of(toml_lines(
        {"", "[[rule]]", "name = \"hot\"", "kind = \"threshold\"", "measurand = \"Temperature\"", "above = \"70\""}));
    CHECK(message == "rules.toml:6: rule 'hot': above must be a number");
    CHECK(error_of(toml_lines({"[[rule]]", "name = \"x\"", "kind = \"degraded\"", "min_percent_of_rated = 50",
                               "last_sessions = 2.5"})) ==
          "rules.toml:5: rule 'x': last_sessions must be a whole number");
    CHECK(error_of(toml_lines({"[[rule]]", "name = 7"})) == "rules.toml:2: rule #1: name must be a string");
}

TEST_CASE("rules file: a missing required field names the rule's line and the field", "[rules][rule_file]")
{
    auto message =
        error_of(toml_lines({"[[rule]]", "name = \"ok\"", "kind = \"offline\"", "", "[[rule]]", "name = \"voltage\"",
                             "kind = \"range\"", "measurand = \"Voltage\"", "min = 198"}));
    CHECK(message == "rules.toml:5: rule 'voltage': missing max (required for a range rule)");
    CHECK(error_of(toml_lines({"[[rule]]", "kind = \"offline\""})) == "rules.toml:1: rule #1: missing name");
    CHECK_THAT(error_of(toml_lines({"[[rule]]", "name = \"k\""})),
               Catch::StartsWith("rules.toml:1: rule 'k': missing kind"));
    CHECK(error_of(toml_lines({"[[rule]]", "name = \"t\"", "kind = \"threshold\"", "measurand = \"Voltage\""})) ==
          "rules.toml:1: rule 't': missing above or below (a threshold rule needs at least one)");
    CHECK(error_of(toml_lines({"[[rule]]", "name = \"t\"", "kind = \"threshold\"", "above = 1"})) ==
          "rules.toml:1: rule 't': missing measurand (required for a threshold rule)");
}

TEST_CASE("rules file: a field of another kind is an error", "[rules][rule_file]")
{
    auto message = error_of(toml_lines({"[[rule]]", "name = \"voltage\"", "kind = \"range\"", "measurand = \"Voltage\"",
                                        "min = 198", "max = 242", "above = 250"}));
    CHECK(message == "rules.toml:7: rule 'voltage': above does not belong to a range rule (it is for threshold rules)");
    CHECK(error_of(toml_lines({"[[rule]]", "name = \"x\"", "kind = \"offline\"", "for_s = 30"})) ==
          "rules.toml:4: rule 'x': for_s does not belong to an offline rule (it is for threshold, range, relative or "
          "faulted rules)");
}

TEST_CASE("rules file: a measurand outside OCPP 1.6 is an error", "[rules][rule_file]")
{
    auto message = error_of(
        toml_lines({"[[rule]]", "name = \"hot\"", "kind = \"threshold\"", "measurand = \"Temprature\"", "above = 70"}));
    CHECK(
        message ==
        "rules.toml:4: rule 'hot': measurand 'Temprature' is not an OCPP 1.6 Measurand (did you mean 'Temperature'?)");
    CHECK_THAT(error_of(toml_lines({"[[rule]]", "name = \"v\"", "kind = \"range\"", "measurand = \"Voltage\"",
                                    "phase = \"L4\"", "min = 1", "max = 2"})),
               Catch::StartsWith("rules.toml:5: rule 'v': phase 'L4' is not one of L1, L2"));
    CHECK(error_of(toml_lines({"[[rule]]", "name = \"r\"", "kind = \"relative\"", "measurand = \"Voltage\"",
                               "percent = 110", "relative_to = \"rated_current\""})) ==
          "rules.toml:4: rule 'r': a relative rule compares a current: measurand must be Current.Import or "
          "Current.Export, not 'Voltage'");
}

TEST_CASE("rules file: the measurand and error code lists match the OCPP 1.6 schemas", "[rules][rule_file]")
{
    CHECK(as_strings(known_measurands()) ==
          schema_enum("MeterValues.json", "properties/meterValue/items/properties/sampledValue/items/properties/"
                                          "measurand/enum"));
    CHECK(as_strings(known_phases()) ==
          schema_enum("MeterValues.json", "properties/meterValue/items/properties/sampledValue/items/properties/"
                                          "phase/enum"));
    CHECK(as_strings(known_error_codes()) == schema_enum("StatusNotification.json", "properties/errorCode/enum"));
}

TEST_CASE("rules file: a bad severity or kind is an error", "[rules][rule_file]")
{
    CHECK(error_of(toml_lines({"[[rule]]", "name = \"s\"", "kind = \"offline\"", "severity = \"urgent\""})) ==
          "rules.toml:4: rule 's': severity 'urgent' is not one of info, warning or critical");
    CHECK(error_of(toml_lines({"[[rule]]", "name = \"s\"", "kind = \"offline\"", "severity = \"Critical\""})) ==
          "rules.toml:4: rule 's': severity 'Critical' is not one of info, warning or critical (did you mean "
          "'critical'?)");
    CHECK_THAT(error_of(toml_lines({"[[rule]]", "name = \"k\"", "kind = \"treshold\""})),
               Catch::StartsWith("rules.toml:3: rule 'k': kind 'treshold' is not one of threshold, range") &&
                   Catch::EndsWith("(did you mean 'threshold'?)"));
}

TEST_CASE("rules file: a duplicate name is an error at its second use", "[rules][rule_file]")
{
    auto message = error_of(toml_lines({"[[rule]]", "name = \"down\"", "kind = \"offline\"", "", "[[rule]]",
                                        "kind = \"offline\"", "name = \"down\""}));
    CHECK(message == "rules.toml:7: rule 'down': name is already used by the rule at line 1");
    CHECK_THAT(error_of(toml_lines({"[[rule]]", "name = \"has space\"", "kind = \"offline\""})),
               Catch::StartsWith("rules.toml:2: rule #1: name 'has space' must be 1 to 64"));
    CHECK_THAT(error_of(toml_lines({"[[rule]]", "name = \"" + std::string(65, 'a') + "\"", "kind = \"offline\""})),
               Catch::Contains("must be 1 to 64"));
}

TEST_CASE("rules file: durations are whole non-negative seconds", "[rules][rule_file]")
{
    auto rule = [](std::string_view line) {
        return toml_lines(
            {"[[rule]]", "name = \"hot\"", "kind = \"threshold\"", "measurand = \"Temperature\"", "above = 70", line});
    };
    CHECK(error_of(rule("for_s = -5")) == "rules.toml:6: rule 'hot': for_s must not be negative");
    CHECK(error_of(rule("clear_after_s = -1")) == "rules.toml:6: rule 'hot': clear_after_s must not be negative");
    CHECK(error_of(rule("for_s = 1.5")) == "rules.toml:6: rule 'hot': for_s must be a whole number of seconds");
    CHECK(error_of(rule("for_s = \"30s\"")) == "rules.toml:6: rule 'hot': for_s must be a whole number of seconds");
    CHECK(parse_rules(rule("for_s = 0"), "rules.toml").rules.at(0).for_duration == 0s);
    CHECK(error_of(toml_lines({"[[rule]]", "name = \"f\"", "kind = \"flapping\"", "max_reconnects = 3",
                               "window_s = 0"})) == "rules.toml:5: rule 'f': window_s must be at least 1 second");
}

TEST_CASE("rules file: a range needs min below max", "[rules][rule_file]")
{
    auto message = error_of(toml_lines(
        {"[[rule]]", "name = \"voltage\"", "kind = \"range\"", "measurand = \"Voltage\"", "min = 242", "max = 198"}));
    CHECK(message == "rules.toml:6: rule 'voltage': min (242) must be less than max (198)");
    CHECK_THAT(error_of(toml_lines({"[[rule]]", "name = \"v\"", "kind = \"range\"", "measurand = \"Voltage\"",
                                    "min = 200", "max = 200"})),
               Catch::StartsWith("rules.toml:6: rule 'v': min (200) must be less than max (200)"));
    CHECK_THAT(error_of(toml_lines({"[[rule]]", "name = \"t\"", "kind = \"threshold\"", "measurand = \"Voltage\"",
                                    "above = 200", "below = 250"})),
               Catch::StartsWith("rules.toml:6: rule 't': below must be less than above"));
}

TEST_CASE("rules file: a TOML syntax error gives its line", "[rules][rule_file]")
{
    auto message = error_of(toml_lines({"[[rule]]", "name = \"hot\"", "kind = \"threshold", "above = 70"}));
    CHECK_THAT(message, Catch::StartsWith("rules.toml:3: invalid TOML: "));
    CHECK_THAT(error_of(toml_lines({"[[rule]]", "name = \"a\"", "name = \"b\""})),
               Catch::StartsWith("rules.toml:3: invalid TOML: "));
}

TEST_CASE("rules file: other mistakes are caught with their line", "[rules][rule_file]")
{
    struct Case {
        std::string text;
        std::string message;
    };
    const Case cases[] = {
        {toml_lines({"[rule]", "name = \"x\""}), "rules.toml:1: rule must be written [[rule]]"},
        {toml_lines({"[[rules]]", "name = \"x\""}), "rules.toml:1: unknown top-level key 'rules'"},
        {toml_lines({"[[rule]]", "name = \"x\"", "kind = \"offline\"", "scope = { model = \"AC\", site = \"A\" }"}),
         "rules.toml:4: rule 'x': unknown key 'scope.site'"},
        {toml_lines({"[[rule]]", "name = \"x\"", "kind = \"offline\"", "scope = \"all\""}),
         "rules.toml:4: rule 'x': scope must be a table"},
        {toml_lines({"[[rule]]", "name = \"x\"", "kind = \"offline\"", "scope = { charger = \"\" }"}),
         "rules.toml:4: rule 'x': scope.charger must be a non-empty string"},
        {toml_lines({"[[rule]]", "name = \"x\"", "kind = \"faulted\"", "error_codes = [", "  \"GroundFailure\",",
                     "  \"GroundFault\",", "]"}),
         "rules.toml:6: rule 'x': error_codes[1] 'GroundFault' is not an OCPP 1.6 ChargePointErrorCode"},
        {toml_lines({"[[rule]]", "name = \"x\"", "kind = \"faulted\"", "error_codes = [\"NoError\"]"}),
         "rules.toml:4: rule 'x': error_codes[0] 'NoError' is not a fault"},
        {toml_lines({"[[rule]]", "name = \"x\"", "kind = \"faulted\"", "error_codes = \"GroundFailure\""}),
         "rules.toml:4: rule 'x': error_codes must be an array of strings"},
        {toml_lines({"[[rule]]", "name = \"x\"", "kind = \"offline\"", "heartbeat_multiple = 0.5"}),
         "rules.toml:4: rule 'x': heartbeat_multiple must be at least 1"},
        {toml_lines({"[[rule]]", "name = \"x\"", "kind = \"meter_anomaly\"", "max_jump_wh = -1"}),
         "rules.toml:4: rule 'x': max_jump_wh must be at least 0"},
        {toml_lines({"[[rule]]", "name = \"x\"", "kind = \"relative\"", "measurand = \"Current.Import\"", "percent = 0",
                     "relative_to = \"rated_current\""}),
         "rules.toml:5: rule 'x': percent must be above 0"},
        {toml_lines({"[[rule]]", "name = \"x\"", "kind = \"relative\"", "measurand = \"Current.Import\"",
                     "percent = 110", "relative_to = \"rated\""}),
         "rules.toml:6: rule 'x': relative_to 'rated' is not one of rated_current or Current.Offered"},
        {toml_lines(
             {"[[rule]]", "name = \"x\"", "kind = \"degraded\"", "min_percent_of_rated = 150", "last_sessions = 3"}),
         "rules.toml:4: rule 'x': min_percent_of_rated must be above 0 and at most 100"},
        {toml_lines(
             {"[[rule]]", "name = \"x\"", "kind = \"degraded\"", "min_percent_of_rated = 50", "last_sessions = 0"}),
         "rules.toml:5: rule 'x': last_sessions must be between 1 and 1000"},
        {toml_lines({"[[rule]]", "name = \"x\"", "kind = \"threshold\"", "measurand = \"Voltage\"", "above = nan"}),
         "rules.toml:5: rule 'x': above must be a finite number"},
        {toml_lines({"[[rule]]", "name = \"x\"", "kind = \"flapping\"", "window_s = 60"}),
         "rules.toml:1: rule 'x': missing max_reconnects (required for a flapping rule)"},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        CHECK_THAT(error_of(c.text), Catch::StartsWith(c.message));
    }
}

TEST_CASE("rules file: a bad rule anywhere rejects the whole file", "[rules][rule_file]")
{
    auto text = toml_lines({"[[rule]]", "name = \"good\"", "kind = \"offline\"", "[[rule]]", "name = \"bad\"",
                            "kind = \"offline\"", "heartbeat_multiple = \"three\""});
    CHECK_THROWS_AS(parse_rules(text, "rules.toml"), RuleFileError);
}

TEST_CASE("rules file: load_rule_file reads a file and names it in errors", "[rules][rule_file]")
{
    TempDir dir;
    auto good = dir.file("rules.toml");
    std::ofstream(good) << toml_lines({"[[rule]]", "name = \"down\"", "kind = \"offline\""});
    auto set = load_rule_file(good);
    CHECK(set.source == good);
    REQUIRE(set.rules.size() == 1);
    CHECK(set.rules[0].name == "down");

    auto bad = dir.file("bad.toml");
    std::ofstream(bad) << toml_lines({"[[rule]]", "name = \"down\"", "kind = \"ofline\""});
    CHECK_THROWS_WITH(load_rule_file(bad), Catch::StartsWith(bad + ":3: rule 'down': kind 'ofline'"));
}

TEST_CASE("rules file: load_rule_file on a missing file or a directory throws", "[rules][rule_file]")
{
    TempDir dir;
    auto missing = dir.file("nope.toml");
    CHECK_THROWS_AS(load_rule_file(missing), RuleFileError);
    CHECK_THROWS_WITH(load_rule_file(missing),
                      Catch::StartsWith(missing + ": cannot read the rules file: ") && Catch::Contains("No such file"));
    CHECK_THROWS_WITH(load_rule_file(dir.path().string()),
                      Catch::StartsWith(dir.path().string() + ": cannot read the rules file"));
}

TEST_CASE("rules file: every example in docs/rules.md parses and together they cover every kind", "[rules][rule_file]")
{
    std::ifstream in(std::string(CSMS_SCHEMA_DIR) + "/../docs/rules.md");
    REQUIRE(in);
    std::string all_examples, block;
    bool in_block = false;
    int blocks = 0;
    for (std::string line; std::getline(in, line);) {
        if (!in_block && line == "```toml") {
            in_block = true;
            block.clear();
        } else if (in_block && line == "```") {
            in_block = false;
            ++blocks;
            INFO(block);
            CHECK_NOTHROW(parse_rules(block, "docs/rules.md"));
            all_examples += block;
        } else if (in_block) {
            block += line + "\n";
        }
    }
    auto set = parse_rules(all_examples, "docs/rules.md");
    CHECK(set.rules.size() == static_cast<std::size_t>(blocks));
    for (auto kind : {RuleKind::threshold, RuleKind::range, RuleKind::relative, RuleKind::faulted, RuleKind::offline,
                      RuleKind::stuck_transaction, RuleKind::meter_anomaly, RuleKind::degraded, RuleKind::flapping,
                      RuleKind::security_event}) {
        INFO(to_string(kind));
        CHECK(std::any_of(set.rules.begin(), set.rules.end(), [&](const Rule& r) { return r.kind == kind; }));
    }
}
