#pragma once
// A migrated database (through the writer), a second connection that inserts
// what the core would have committed, a ManualClock, and helpers to read the
// alerts the engine wrote.
#include "rules/engine.hpp"
#include "rules/rule_file.hpp"

#include "base/metrics.hpp"
#include "store/database.hpp"
#include "store/sample_store.hpp"
#include "store/time_column.hpp"
#include "support/sample_record.hpp"
#include "support/temp_dir.hpp"

#include <chrono>
#include <string>

namespace csms::test {

struct EngineFixture {
    TempDir dir;
    std::string path = dir.file("csms.db");
    base::Metrics metrics;
    store::Writer writer{path, store::Writer::Options{}, metrics};
    base::ManualClock clock;
    store::Database core{path};

    EngineFixture() { core.exec("INSERT INTO chargers (charger_id, registration) VALUES ('CP-1', 'Accepted')"); }

    std::string now() const { return store::to_column(clock.now_utc()); }

    // One sample; `when` is seconds after the clock's start (2026-01-01T00:00:00Z).
    void sample(int when, const std::string& measurand, double value, const std::string& phase = "",
                int connector_id = 1)
    {
        auto at = base::ManualClock().now_utc() + std::chrono::seconds(when);
        auto record = csms::test::sample_record("CP-1", connector_id, at, measurand, value);
        record.phase = phase;
        store::insert_samples(core, {record});
    }

    void temperature(int when, int celsius) { sample(when, "Temperature", celsius); }

    void exec(const std::string& sql) { core.exec(sql); }

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

    std::string newest_alert_message()
    {
        writer.flush();
        auto& s = core.cached("SELECT message FROM alerts ORDER BY id DESC LIMIT 1");
        store::ResetGuard guard(s);
        return s.step() ? s.column_text(0) : "";
    }

    rules::Engine engine(const std::string& toml, rules::Engine::Options options = {})
    {
        return rules::Engine(path, rules::parse_rules(toml, "test.toml"), writer, clock, options);
    }
};

} // namespace csms::test
