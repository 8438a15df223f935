#include "stats/engine.hpp"

#include "base/metrics.hpp"
#include "base/time_format.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "store/sample_store.hpp"
#include "store/transaction.hpp"
#include "support/sample_record.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <optional>

using namespace csms;
using namespace std::chrono_literals;

namespace {

base::SysTime at(const std::string& text)
{
    return *base::parse_date_time(text);
}

// A migrated database (through the writer), a second connection to insert
// what the core would have committed, and an engine over both in one zone.
struct StatsFixture {
    test::TempDir dir;
    std::string path = dir.file("csms.db");
    base::Metrics metrics;
    store::Writer writer{path, store::Writer::Options{}, metrics};
    base::ManualClock clock{at("2026-01-01T11:00:00Z")};
    store::Database core{path};
    base::TimeZone zone;
    std::optional<stats::Engine> engine;
    stats::Engine::Options options{};

    explicit StatsFixture(base::TimeZone z = base::TimeZone::utc()) : zone(std::move(z))
    {
        core.exec("INSERT INTO chargers (charger_id, registration) VALUES ('CP-1', 'Accepted')");
    }

    stats::Engine& stats()
    {
        if (!engine) {
            engine.emplace(
                path, [this](const std::string&) -> const base::TimeZone& { return zone; }, writer, clock, options);
        }
        return *engine;
    }

    void poll()
    {
        while (stats().poll_once()) {
        }
        writer.flush();
    }

    void status(const std::string& when, const std::string& status)
    {
        auto& s = core.cached(R"sql(
            INSERT INTO status_history (charger_id, connector_id, status, error_code, timestamp, received_at)
            VALUES ('CP-1', 1, ?1, 'NoError', ?2, ?2))sql");
        s.bind(1, status);
        s.bind(2, when);
        s.execute();
        auto& latest = core.cached(R"sql(
            INSERT OR REPLACE INTO connector_status (charger_id, connector_id, status, error_code, timestamp,
                                                     received_at)
            VALUES ('CP-1', 1, ?1, 'NoError', ?2, ?2))sql");
        latest.bind(1, status);
        latest.bind(2, when);
        latest.execute();
    }

    void sample(const std::string& when, const std::string& measurand, double value)
    {
        auto at = *base::parse_date_time(when);
        store::Transaction transaction(core);
        store::insert_samples(core, {csms::test::sample_record("CP-1", 1, at, measurand, value)});
        transaction.commit();
    }

    void session(const std::string& start, int meter_start, const std::string& stop, int meter_stop)
    {
        auto& s = core.cached(R"sql(
            INSERT INTO transactions (charger_id, connector_id, id_tag, meter_start_wh, start_timestamp, auth_status,
                                      start_received_at, meter_stop_wh, stop_timestamp, stop_received_at)
            VALUES ('CP-1', 1, 'TAG', ?1, ?2, 'Accepted', ?2, ?3, ?4, ?4))sql");
        s.bind(1, meter_start);
        s.bind(2, start);
        s.bind(3, meter_stop);
        s.bind(4, stop);
        s.execute();
    }

    void open_session(const std::string& start, int meter_start)
    {
        auto& s = core.cached(R"sql(
            INSERT INTO transactions (charger_id, connector_id, id_tag, meter_start_wh, start_timestamp, auth_status,
                                      start_received_at)
            VALUES ('CP-1', 1, 'TAG', ?1, ?2, 'Accepted', ?2))sql");
        s.bind(1, meter_start);
        s.bind(2, start);
        s.execute();
    }

    // A column of one quarter's row, as text ("" when there is no row).
    std::string quarter(const std::string& start, const std::string& column)
    {
        auto& s = core.cached("SELECT " + column +
                              " FROM stats_quarters WHERE charger_id = 'CP-1' "
                              "AND connector_id = 1 AND quarter_start = ?1");
        store::ResetGuard guard(s);
        s.bind(1, start);
        return s.step() ? s.column_text(0) : "";
    }
    double quarter_number(const std::string& start, const std::string& column)
    {
        auto text = quarter(start, column);
        return text.empty() ? -1 : std::stod(text);
    }
    std::string day(const std::string& date, const std::string& column)
    {
        auto& s = core.cached("SELECT " + column +
                              " FROM stats_days WHERE charger_id = 'CP-1' "
                              "AND connector_id = 1 AND local_date = ?1");
        store::ResetGuard guard(s);
        s.bind(1, date);
        return s.step() ? s.column_text(0) : "";
    }
};

} // namespace

TEST_CASE("Stats engine: a session over three quarters is split by interpolation and rolled up per day",
          "[stats][engine]")
{
    StatsFixture f;
    f.status("2026-01-01T10:05:00.000Z", "Charging");
    f.sample("2026-01-01T10:05:00.000Z", "Energy.Active.Import.Register", 0);
    f.sample("2026-01-01T10:20:00.000Z", "Power.Active.Import", 3000);
    f.sample("2026-01-01T10:25:00.000Z", "Power.Active.Import", 3200);
    f.sample("2026-01-01T10:25:00.000Z", "Temperature", 41.5);
    f.sample("2026-01-01T10:35:00.000Z", "Energy.Active.Import.Register", 1500);
    f.status("2026-01-01T10:35:00.000Z", "Available");
    f.session("2026-01-01T10:05:00.000Z", 0, "2026-01-01T10:35:00.000Z", 1500);
    f.poll();

    // 1500 Wh over 30 minutes: 50 Wh a minute.
    CHECK(f.quarter_number("2026-01-01T10:00:00.000Z", "energy_wh") == Approx(500));
    CHECK(f.quarter_number("2026-01-01T10:15:00.000Z", "energy_wh") == Approx(750));
    CHECK(f.quarter_number("2026-01-01T10:30:00.000Z", "energy_wh") == Approx(250));
    CHECK(f.quarter("2026-01-01T10:00:00.000Z", "charging_s") == "600");
    CHECK(f.quarter("2026-01-01T10:15:00.000Z", "charging_s") == "900");
    CHECK(f.quarter("2026-01-01T10:30:00.000Z", "charging_s") == "300");
    CHECK(f.quarter("2026-01-01T10:00:00.000Z", "sessions_started") == "1");
    CHECK(f.quarter("2026-01-01T10:30:00.000Z", "sessions_finished") == "1");
    CHECK(f.quarter_number("2026-01-01T10:15:00.000Z", "peak_power_w") == Approx(3200));
    CHECK(f.quarter_number("2026-01-01T10:15:00.000Z", "max_temperature_c") == Approx(41.5));
    CHECK(f.quarter("2026-01-01T10:30:00.000Z", "local_time") == "10:30");

    CHECK(std::stod(f.day("2026-01-01", "energy_wh")) == Approx(1500));
    CHECK(f.day("2026-01-01", "charging_s") == "1800");
    CHECK(f.day("2026-01-01", "sessions_started") == "1");
    CHECK(f.day("2026-01-01", "sessions_finished") == "1");
}

TEST_CASE("Stats engine: a late sample corrects the quarters it falls between", "[stats][engine]")
{
    StatsFixture f;
    f.session("2026-01-01T10:05:00.000Z", 0, "2026-01-01T10:35:00.000Z", 1500);
    f.poll();
    CHECK(f.quarter_number("2026-01-01T10:15:00.000Z", "energy_wh") == 750);

    // Buffered offline, it arrives after the stop: 1000 Wh by 10:20.
    f.sample("2026-01-01T10:20:00.000Z", "Energy.Active.Import.Register", 1000);
    f.poll();
    // Whole Wh, cut at 10:15 (666.7 rounded down) and 10:30 (1333.3).
    CHECK(f.quarter_number("2026-01-01T10:00:00.000Z", "energy_wh") == 666);
    CHECK(f.quarter_number("2026-01-01T10:15:00.000Z", "energy_wh") == 1333 - 666);
    CHECK(f.quarter_number("2026-01-01T10:30:00.000Z", "energy_wh") == 1500 - 1333);
    CHECK(std::stod(f.day("2026-01-01", "energy_wh")) == 1500);
}

TEST_CASE("Stats engine: a session's quarters add up to meterStop - meterStart, before its first sample and after "
          "its last too",
          "[stats][engine]")
{
    StatsFixture f;
    // Sampled only at 10:20 and 10:40: the 800 Wh before the first sample
    // and the 400 Wh after the last count too.
    f.session("2026-01-01T10:00:00.000Z", 10'000, "2026-01-01T10:50:00.000Z", 11'700);
    f.sample("2026-01-01T10:20:00.000Z", "Energy.Active.Import.Register", 10'800);
    f.sample("2026-01-01T10:40:00.000Z", "Energy.Active.Import.Register", 11'300);
    f.poll();
    CHECK(f.quarter_number("2026-01-01T10:00:00.000Z", "energy_wh") == 600); // 800 x 15/20
    CHECK(f.quarter_number("2026-01-01T10:15:00.000Z", "energy_wh") == 200 + 250);
    CHECK(f.quarter_number("2026-01-01T10:30:00.000Z", "energy_wh") == 250 + 200);
    CHECK(f.quarter_number("2026-01-01T10:45:00.000Z", "energy_wh") == 200);
    CHECK(std::stod(f.day("2026-01-01", "energy_wh")) == 1700);
}

TEST_CASE("Stats engine: a connector charging in silence accumulates charging time as quarters close",
          "[stats][engine]")
{
    StatsFixture f;
    f.clock.advance(-50min); // 10:10
    f.status("2026-01-01T10:05:00.000Z", "Charging");
    f.poll();
    CHECK(f.quarter("2026-01-01T10:00:00.000Z", "charging_s") == "300"); // lived so far

    f.clock.advance(21min); // 10:31: two quarters ended, no row arrived
    f.poll();
    CHECK(f.quarter("2026-01-01T10:00:00.000Z", "charging_s") == "600");
    CHECK(f.quarter("2026-01-01T10:15:00.000Z", "charging_s") == "900");
    CHECK(f.quarter("2026-01-01T10:30:00.000Z", "charging_s") == "");
    CHECK(f.day("2026-01-01", "charging_s") == "1500");
}

TEST_CASE("Stats engine: a session without register samples falls back to its meter start and stop", "[stats][engine]")
{
    StatsFixture f;
    f.session("2026-01-01T10:00:00.000Z", 1000, "2026-01-01T10:30:00.000Z", 1900);
    f.poll();
    CHECK(f.quarter_number("2026-01-01T10:00:00.000Z", "energy_wh") == Approx(450));
    CHECK(f.quarter_number("2026-01-01T10:15:00.000Z", "energy_wh") == Approx(450));
    CHECK(f.quarter("2026-01-01T10:30:00.000Z", "sessions_finished") == "1");
}

TEST_CASE("Stats engine: quarters and days follow the local time of Kathmandu", "[stats][engine]")
{
    StatsFixture f(base::TimeZone::load("Asia/Kathmandu"));
    f.clock.advance(std::chrono::hours{8});                  // 19:00Z
    f.sample("2026-01-01T18:20:00.000Z", "Temperature", 30); // 00:05 local on 2 January
    f.poll();
    CHECK(f.quarter("2026-01-01T18:15:00.000Z", "local_date") == "2026-01-02");
    CHECK(f.quarter("2026-01-01T18:15:00.000Z", "local_time") == "00:00");
    CHECK(f.quarter("2026-01-01T18:15:00.000Z", "time_zone") == "Asia/Kathmandu");
    CHECK(f.day("2026-01-02", "max_temperature_c") == "30.0");
}

TEST_CASE("Stats engine: a Berlin daylight-saving day has 92 quarters and 23 hours of charging", "[stats][engine]")
{
    StatsFixture f(base::TimeZone::load("Europe/Berlin"));
    f.clock.advance(std::chrono::days{100});           // well after the day
    f.status("2026-03-28T23:00:00.000Z", "Charging");  // local midnight
    f.status("2026-03-29T22:00:00.000Z", "Available"); // the next local midnight
    f.poll();
    CHECK(f.day("2026-03-29", "quarters") == "92");
    CHECK(f.day("2026-03-29", "charging_s") == std::to_string(23 * 3600));
    CHECK(f.quarter("2026-03-29T01:00:00.000Z", "local_time") == "03:00");
}

TEST_CASE("Stats engine: a restarted engine resumes from its durable cursors", "[stats][engine]")
{
    StatsFixture f;
    f.open_session("2026-01-01T10:05:00.000Z", 0);
    f.sample("2026-01-01T10:10:00.000Z", "Energy.Active.Import.Register", 600);
    f.poll();
    f.engine.reset();
    // A row the engine would recompute differently if it re-read old rows:
    // the quarter's row is tampered with, and stays so unless touched.
    store::Database(f.path).exec("UPDATE stats_quarters SET energy_wh = 1");
    f.poll();
    CHECK(f.quarter_number("2026-01-01T10:00:00.000Z", "energy_wh") == Approx(1));
    f.sample("2026-01-01T10:14:00.000Z", "Energy.Active.Import.Register", 700);
    f.poll();
    CHECK(f.quarter_number("2026-01-01T10:00:00.000Z", "energy_wh") == Approx(700));
}

TEST_CASE("Stats engine: a StopTransaction's samples, stored under connector 0, count for no connector",
          "[stats][engine]")
{
    StatsFixture f;
    f.session("2026-01-01T10:00:00.000Z", 1000, "2026-01-01T10:30:00.000Z", 1900);
    auto stop_sample = [](const char* when, const char* context, int wh) {
        return store::SampleRecord{.charger_id = "CP-1",
                                   .connector_id = 0,
                                   .timestamp = *base::parse_date_time(when),
                                   .value = std::to_string(wh),
                                   .normalized_value = wh,
                                   .measurand = "Energy.Active.Import.Register",
                                   .unit = "Wh",
                                   .context = context,
                                   .location = "Outlet",
                                   .format = "Raw",
                                   .source = "StopTransaction",
                                   .received_at = *base::parse_date_time("2026-01-01T10:30:00.000Z")};
    };
    store::insert_samples(f.core, {stop_sample("2026-01-01T10:00:00.000Z", "Transaction.Begin", 1000),
                                   stop_sample("2026-01-01T10:30:00.000Z", "Transaction.End", 1900)});
    f.poll();
    CHECK(f.quarter_number("2026-01-01T10:00:00.000Z", "energy_wh") == Approx(450)); // meterStop - meterStart
    store::Database db(f.path, true);
    auto& s = db.cached("SELECT count(*) FROM stats_quarters WHERE connector_id = 0");
    REQUIRE(s.step());
    CHECK(s.column_int(0) == 0);
}

TEST_CASE("Stats engine: quarters touched within submit_every are written together once it has passed",
          "[stats][engine]")
{
    StatsFixture f;
    f.options.submit_every = std::chrono::seconds(10);
    f.open_session("2026-01-01T10:00:00.000Z", 1000);
    f.poll(); // the first pass writes at once
    CHECK(f.quarter("2026-01-01T10:00:00.000Z", "energy_wh") == "0.0");
    f.sample("2026-01-01T10:05:00Z", "Energy.Active.Import.Register", 1500);
    f.clock.advance(std::chrono::seconds(5));
    f.poll();
    CHECK(f.quarter("2026-01-01T10:00:00.000Z", "energy_wh") == "0.0"); // gathered, not yet written
    f.sample("2026-01-01T10:10:00Z", "Energy.Active.Import.Register", 1800);
    f.clock.advance(std::chrono::seconds(5));
    f.poll();
    CHECK(f.quarter("2026-01-01T10:00:00.000Z", "energy_wh") == "800.0");
}

TEST_CASE("Stats engine: a session that starts and stops at one quarter boundary counts in the quarter it is in",
          "[stats][engine]")
{
    StatsFixture f;
    f.session("2026-01-01T10:00:00.000Z", 1000, "2026-01-01T10:15:00.000Z", 1300);
    f.session("2026-01-01T10:15:00.000Z", 1300, "2026-01-01T10:15:00.000Z", 1350); // a charger's instant session
    f.poll();
    CHECK(f.quarter_number("2026-01-01T10:00:00.000Z", "energy_wh") == 300);
    CHECK(f.quarter_number("2026-01-01T10:15:00.000Z", "energy_wh") == 50);
    CHECK(std::stod(f.day("2026-01-01", "energy_wh")) == 350);
}

TEST_CASE("Stats engine: a session that was never stopped does not count the next session's energy again",
          "[stats][engine]")
{
    StatsFixture f;
    // A charger lost session 1 (no StopTransaction ever came) and started
    // session 2 on the same connector: 10:00-10:30, 5000 to 5600 Wh,
    // sampled at 10:15. Session 1 has no reading after its start: the
    // register's rise to session 2 is not its energy.
    f.open_session("2026-01-01T08:00:00.000Z", 1000);
    f.session("2026-01-01T10:00:00.000Z", 5000, "2026-01-01T10:30:00.000Z", 5600);
    f.sample("2026-01-01T10:15:00.000Z", "Energy.Active.Import.Register", 5300);
    f.poll();
    CHECK(f.quarter_number("2026-01-01T08:00:00.000Z", "energy_wh") == 0);
    CHECK(f.quarter_number("2026-01-01T10:00:00.000Z", "energy_wh") == 300);
    CHECK(f.quarter_number("2026-01-01T10:15:00.000Z", "energy_wh") == 300);
    CHECK(std::stod(f.day("2026-01-01", "energy_wh")) == 600);
}

TEST_CASE("Stats engine: quarters computed before the register curve are recomputed after the upgrade",
          "[stats][engine]")
{
    test::TempDir dir;
    const auto path = dir.file("csms.db");
    {
        // A database at schema 13 whose statistics are up to date by the
        // old rule: the 400 Wh before the session's only sample were lost.
        store::Database db(path);
        store::migrate(db, store::known_migrations().first(13));
        db.exec(R"sql(
            INSERT INTO chargers (charger_id, registration) VALUES ('CP-1', 'Accepted');
            INSERT INTO transactions (charger_id, connector_id, id_tag, meter_start_wh, start_timestamp, auth_status,
                                      start_received_at, meter_stop_wh, stop_timestamp, stop_received_at)
            VALUES ('CP-1', 1, 'TAG', 1000, '2026-01-01T10:00:00.000Z', 'Accepted', '2026-01-01T10:00:00.000Z',
                    1600, '2026-01-01T10:10:00.000Z', '2026-01-01T10:10:00.000Z');
            INSERT INTO meter_values (charger_id, connector_id, timestamp, value, normalized_value, measurand, phase,
                                      unit, context, location, format, source, received_at)
            VALUES ('CP-1', 1, '2026-01-01T10:05:00.000Z', '1400', 1400, 'Energy.Active.Import.Register', '', '',
                    'Sample.Periodic', 'Outlet', 'Raw', 'MeterValues', '2026-01-01T10:05:00.000Z');
            INSERT INTO stats_quarters (charger_id, connector_id, quarter_start, local_date, local_time, time_zone,
                                        energy_wh, charging_s, available_s, sessions_started, sessions_finished,
                                        faults, computed_at)
            VALUES ('CP-1', 1, '2026-01-01T10:00:00.000Z', '2026-01-01', '10:00', 'UTC', 0, 0, 0, 1, 1, 0,
                    '2026-01-01T10:15:00.000Z');
            INSERT INTO stats_days (charger_id, connector_id, local_date, time_zone, quarters, energy_wh, charging_s,
                                    available_s, sessions_started, sessions_finished, faults)
            VALUES ('CP-1', 1, '2026-01-01', 'UTC', 1, 0, 0, 0, 1, 1, 0);
            INSERT INTO stats_cursors (name, position) VALUES
                ('meter_values', '1'), ('status_history', '0'), ('transactions', '1'),
                ('transaction_stops', '2026-01-01T10:40:00.000Z'), ('clock', '2026-01-01T11:00:00.000Z');
        )sql");
    }
    base::Metrics metrics;
    store::Writer writer{path, store::Writer::Options{}, metrics}; // migrates to the latest schema
    base::ManualClock clock{at("2026-01-01T11:00:00Z")};
    const auto utc = base::TimeZone::utc();
    stats::Engine engine(path, [&](const std::string&) -> const base::TimeZone& { return utc; }, writer, clock, {});
    while (engine.poll_once()) {
    }
    writer.flush();

    store::Database db(path, true);
    auto& s = db.cached("SELECT (SELECT energy_wh FROM stats_quarters WHERE quarter_start = "
                        "'2026-01-01T10:00:00.000Z'), (SELECT energy_wh FROM stats_days WHERE local_date = "
                        "'2026-01-01')");
    REQUIRE(s.step());
    CHECK(s.column_double(0) == 600); // meterStop - meterStart, as the transaction and its bill say
    CHECK(s.column_double(1) == 600);
}
