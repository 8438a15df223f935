#include "rules/engine.hpp"
#include "rules/rule_file.hpp"

#include "base/metrics.hpp"
#include "store/database.hpp"
#include "support/temp_dir.hpp"

#include <cstdio>

#include <catch2/catch.hpp>

using namespace csms;

namespace {

// A migrated database (through the writer), a second connection to insert
// what the core would have committed, and an engine over both.
struct EngineFixture {
    test::TempDir dir;
    std::string path = dir.file("csms.db");
    base::Metrics metrics;
    store::Writer writer{path, store::Writer::Options{}, metrics};
    base::ManualClock clock;
    store::Database core{path};

    EngineFixture() { core.exec("INSERT INTO chargers (charger_id, registration) VALUES ('CP-1', 'Accepted')"); }

    void temperature(int second, int celsius)
    {
        auto& s = core.cached(R"sql(
            INSERT INTO meter_values (charger_id, connector_id, timestamp, value, normalized_value, measurand, phase,
                                      unit, context, location, format, source, received_at)
            VALUES ('CP-1', 1, ?1, ?2, ?3, 'Temperature', '', 'Celsius', 'Sample.Periodic', 'Outlet', 'Raw',
                    'charger', ?1))sql");
        char when[48];
        std::snprintf(when, sizeof when, "2026-01-01T00:%02d:%02d.000Z", second / 60, second % 60);
        s.bind(1, std::string_view(when));
        s.bind(2, std::to_string(celsius));
        s.bind(3, static_cast<double>(celsius));
        s.execute();
    }

    std::string alert_states()
    {
        writer.flush();
        std::string out;
        auto& s = core.cached("SELECT state FROM alerts ORDER BY id");
        store::ResetGuard guard(s);
        while (s.step()) {
            out += s.column_text(0) + ";";
        }
        return out;
    }
};

const char* hot_rule = "[[rule]]\nname = \"hot\"\nkind = \"threshold\"\nmeasurand = \"Temperature\"\nabove = 70\n"
                       "for_s = 30\nclear_after_s = 0\n";

} // namespace

TEST_CASE("Engine: a burst larger than one poll is read in several and nothing is skipped", "[rules][engine]")
{
    EngineFixture f;
    rules::Engine engine(f.path, rules::parse_rules(hot_rule, "test.toml"), f.writer, f.clock,
                         rules::Engine::Options{std::chrono::milliseconds(250), 2});
    f.temperature(0, 80);
    f.temperature(10, 80);
    f.temperature(20, 80);
    f.temperature(40, 80);     // held 40 s: opens
    f.temperature(50, 60);     // no clear delay: clears
    CHECK(engine.poll_once()); // rows 1-2
    CHECK(engine.poll_once()); // rows 3-4: opened
    CHECK(f.alert_states() == "open;");
    CHECK_FALSE(engine.poll_once()); // row 5, and nothing more
    CHECK(f.alert_states() == "cleared;");
}

TEST_CASE("Engine: rows committed before it started are not re-evaluated and an active alert is restored",
          "[rules][engine]")
{
    EngineFixture f;
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
