#include "engine_fixture.hpp"

#include <catch2/catch.hpp>

using namespace csms;

namespace {

const char* hot_rule = "[[rule]]\nname = \"hot\"\nkind = \"threshold\"\nmeasurand = \"Temperature\"\nabove = 70\n"
                       "for_s = 30\nclear_after_s = 0\n";

} // namespace

TEST_CASE("Engine: a burst larger than one poll is read in several and nothing is skipped", "[rules][engine]")
{
    test::EngineFixture f;
    rules::Engine engine(f.path, rules::parse_rules(hot_rule, "test.toml"), f.writer, f.clock,
                         rules::Engine::Options{.max_rows_per_poll = 2});
    f.temperature(0, 80);
    f.temperature(10, 80);
    f.temperature(20, 80);
    f.temperature(40, 80); // held 40 s: opens
    f.temperature(50, 60); // no clear delay: clears
    // A poll reads whole messages, at most max_rows_per_poll of them.
    CHECK(engine.poll_once()); // messages 1-2
    CHECK(f.alert_states().empty());
    CHECK(engine.poll_once()); // messages 3-4: opened
    CHECK(f.alert_states() == "open;");
    CHECK_FALSE(engine.poll_once()); // message 5, and nothing more
    CHECK(f.alert_states() == "cleared;");
}

TEST_CASE("Engine: rows committed before it started are not re-evaluated and an active alert is restored",
          "[rules][engine]")
{
    test::EngineFixture f;
    f.temperature(0, 90);
    f.temperature(40, 90);
    {
        rules::Engine first(f.path, rules::parse_rules(hot_rule, "test.toml"), f.writer, f.clock, {});
        CHECK_FALSE(first.poll_once());
        CHECK(f.alert_states().empty()); // history before the engine is not replayed
        f.temperature(60, 90);
        f.temperature(100, 90);
        first.poll_once();
        CHECK(f.alert_states() == "open;");
    }
    // A restart: the open alert is known, so more heat does not raise a second one and cooling clears it.
    rules::Engine second(f.path, rules::parse_rules(hot_rule, "test.toml"), f.writer, f.clock, {});
    f.temperature(110, 95);
    f.temperature(120, 50);
    second.poll_once();
    CHECK(f.alert_states() == "cleared;");
}

TEST_CASE("Engine: csms_rule_* count each rule's evaluations, opened and cleared alerts; a removed rule's series go",
          "[rules][engine][metrics]")
{
    test::EngineFixture f;
    const std::string cold_rule = "[[rule]]\nname = \"cold\"\nkind = \"threshold\"\nmeasurand = \"Temperature\"\n"
                                  "below = -20\nfor_s = 0\n";
    rules::Engine engine(f.path, rules::parse_rules(hot_rule + cold_rule, "test.toml"), f.writer, f.clock,
                         rules::Engine::Options{.metrics = &f.metrics});
    auto value = [&](const std::string& series) {
        auto text = f.metrics.render_prometheus();
        auto at = text.find("\n" + series + " ");
        return at == std::string::npos ? -1 : std::stoll(text.substr(at + series.size() + 2));
    };
    CHECK(value(R"(csms_rule_alerts_opened_total{rule="hot"})") == 0);
    f.temperature(0, 80);
    f.temperature(40, 80); // held 40 s: opens
    f.temperature(50, 60); // clears
    engine.poll_once();
    CHECK(f.alert_states() == "cleared;");
    CHECK(value(R"(csms_rule_evaluations_total{rule="hot"})") == 3);
    CHECK(value(R"(csms_rule_alerts_opened_total{rule="hot"})") == 1);
    CHECK(value(R"(csms_rule_alerts_cleared_total{rule="hot"})") == 1);
    CHECK(value(R"(csms_rule_alerts_opened_total{rule="cold"})") == 0);

    engine.replace_rules(rules::parse_rules(cold_rule, "test.toml"));
    engine.poll_once();
    CHECK(value(R"(csms_rule_evaluations_total{rule="hot"})") == -1);
    CHECK(value(R"(csms_rule_alerts_opened_total{rule="cold"})") == 0);
}
