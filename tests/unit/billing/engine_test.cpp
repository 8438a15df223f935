// The billing engine over a real SQLite file: sessions the core committed
// (inserted here as the handlers would) become records, once each.
#include "billing/engine.hpp"

#include "base/metrics.hpp"
#include "store/billing_store.hpp"
#include "store/database.hpp"
#include "store/sample_store.hpp"
#include "store/time_column.hpp"
#include "support/sample_record.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace csms;
using namespace csms::billing;
using namespace std::chrono_literals;

namespace {

base::SysTime utc(const std::string& text)
{
    return *base::parse_date_time(text);
}

// Asia/Shanghai: peak 08:00-12:00 local at 1.2000, valley otherwise at
// 0.3500, service 0.4000 per kWh; the "idle" tariff adds 0.50 per minute
// after 10 free minutes and applies to the FLEET group.
std::shared_ptr<const TariffBook> book()
{
    auto b = std::make_shared<TariffBook>();
    b->zone = std::make_shared<const base::TimeZone>(base::TimeZone::load("Asia/Shanghai"));
    Tariff standard;
    standard.name = "standard";
    standard.energy_price = {{"peak", 12'000}, {"valley", 3'500}};
    standard.schedule = {PeriodRule{"peak", {}, std::nullopt, std::nullopt, {TimeWindow{8 * 60, 12 * 60}}}};
    standard.default_period = "valley";
    standard.service_fee_per_kwh = 4'000;
    Tariff idle = standard;
    idle.name = "idle";
    idle.idle_fee_per_minute = 50;
    idle.idle_grace = 10min;
    b->tariffs = {{"standard", standard}, {"idle", idle}};
    b->assignments = {
        TariffAssignment{"standard", AssignmentScope::everywhere, "", 2026y / 1 / 1, utc("2025-12-31T16:00:00Z"), 1},
        TariffAssignment{"idle", AssignmentScope::tag_group, "FLEET", 2026y / 1 / 1, utc("2025-12-31T16:00:00Z"), 2},
    };
    return b;
}

struct Fixture {
    test::TempDir dir;
    std::string path = dir.file("csms.db");
    base::Metrics metrics;
    store::Writer writer{path, store::Writer::Options{}, metrics};
    base::ManualClock clock{utc("2026-01-02T12:00:00Z")};
    store::Database core{path};
    Engine engine{path, book(), writer, clock, Engine::Options{.metrics = &metrics}};

    explicit Fixture(bool billing_started = true)
    {
        if (billing_started) {
            start_billing();
        }
        core.exec("INSERT INTO chargers (charger_id, registration, region) VALUES "
                  "('CP-1', 'Accepted', 'Guangdong/Shenzhen/Nanshan/Coastal Park')");
        core.exec("INSERT INTO id_tags (id_tag, status, payment_method) VALUES ('FLEET', 'Accepted', 'fleet_invoice')");
        core.exec("INSERT INTO id_tags (id_tag, status, parent_id_tag) VALUES ('CAR-7', 'Accepted', 'FLEET')");
        core.exec("INSERT INTO id_tags (id_tag, status, payment_method) VALUES ('WALKIN', 'Accepted', 'app')");
    }

    // What Engine::start does before its first pass.
    void start_billing()
    {
        writer.submit([now = clock.now_utc()](store::Database& db) { store::mark_billing_started(db, now); },
                      [](bool) {});
        writer.flush();
    }

    std::int64_t start(const std::string& tag, const std::string& when, std::int64_t meter_wh)
    {
        auto& s = core.cached(R"sql(
            INSERT INTO transactions (charger_id, connector_id, id_tag, meter_start_wh, start_timestamp, auth_status,
                                      start_received_at)
            VALUES ('CP-1', 1, ?1, ?2, ?3, 'Accepted', ?3))sql");
        store::ResetGuard guard(s);
        s.bind(1, tag);
        s.bind(2, meter_wh);
        s.bind(3, store::to_column(utc(when)));
        s.execute();
        return core.last_insert_rowid();
    }

    void stop(std::int64_t tx, const std::string& when, std::int64_t meter_wh, const std::string& reason = "Local")
    {
        auto& s = core.cached(R"sql(
            UPDATE transactions SET meter_stop_wh = ?2, stop_timestamp = ?3, stop_reason = ?4, stop_received_at = ?5
            WHERE transaction_id = ?1)sql");
        store::ResetGuard guard(s);
        s.bind(1, tx);
        s.bind(2, meter_wh);
        s.bind(3, store::to_column(utc(when)));
        s.bind(4, reason);
        s.bind(5, store::to_column(clock.now_utc()));
        s.execute();
    }

    void sample(std::int64_t tx, const std::string& when, double wh)
    {
        auto record = csms::test::sample_record("CP-1", 1, utc(when), "Energy.Active.Import.Register", wh, "Wh");
        record.transaction_id = tx;
        store::insert_samples(core, {record});
    }

    void status(const std::string& when, const std::string& status)
    {
        auto& s = core.cached(R"sql(
            INSERT INTO status_history (charger_id, connector_id, status, error_code, timestamp, received_at)
            VALUES ('CP-1', 1, ?1, 'NoError', ?2, ?2))sql");
        store::ResetGuard guard(s);
        s.bind(1, status);
        s.bind(2, store::to_column(utc(when)));
        s.execute();
    }

    // One csms_billing_* sample, or -1 when the series does not exist.
    std::int64_t sample(const std::string& series) const
    {
        auto text = metrics.render_prometheus();
        auto at = text.find("\n" + series + " ");
        return at == std::string::npos ? -1 : std::stoll(text.substr(at + series.size() + 2));
    }

    std::int64_t count(const std::string& sql)
    {
        auto& s = core.cached(sql);
        store::ResetGuard guard(s);
        s.step();
        return s.column_int64(0);
    }

    std::string text(const std::string& sql)
    {
        auto& s = core.cached(sql);
        store::ResetGuard guard(s);
        return s.step() ? s.column_text(0) : "";
    }

    // "item/period/amount;" for each line of the transaction's session record.
    std::string lines(std::int64_t tx)
    {
        auto& s = core.cached(R"sql(
            SELECT l.item, ifnull(l.period, ''), l.amount FROM billing_lines l
            JOIN billing_records r ON r.record_id = l.record_id
            WHERE r.transaction_id = ?1 AND r.kind = 'session' ORDER BY l.line_no)sql");
        store::ResetGuard guard(s);
        s.bind(1, tx);
        std::string out;
        while (s.step()) {
            out += s.column_text(0) + "/" + s.column_text(1) + "/" + std::to_string(s.column_int64(2)) + ";";
        }
        return out;
    }
};

} // namespace

TEST_CASE("Billing engine: a stopped session is billed once with its energy split at the start of peak time",
          "[billing][engine]")
{
    Fixture f;
    // 07:30-08:30 in Shanghai; half the energy before 08:00 (valley), half after (peak).
    auto tx = f.start("WALKIN", "2026-01-01T23:30:00Z", 1'000);
    f.sample(tx, "2026-01-02T00:00:00Z", 6'000);
    f.stop(tx, "2026-01-02T00:30:00Z", 11'000);
    CHECK(f.count("SELECT count(*) FROM billing_queue") == 1);

    f.engine.poll_once();
    // valley 5 kWh x 0.35 = 1.75, peak 5 kWh x 1.20 = 6.00, service 10 kWh x 0.40 = 4.00
    CHECK(f.lines(tx) == "energy/peak/600;energy/valley/175;service//400;");
    CHECK(f.count("SELECT total FROM billing_records WHERE transaction_id = " + std::to_string(tx)) == 1175);
    CHECK(f.text("SELECT status || ' ' || tariff || ' ' || payment_method || ' ' || currency || ' ' || energy_wh || "
                 "' ' || sampled_energy_wh FROM billing_records") == "billed standard app CNY 10000 5000");
    CHECK(f.count("SELECT count(*) FROM billing_queue") == 0);

    f.engine.poll_once();
    CHECK(f.count("SELECT count(*) FROM billing_records") == 1);
}

TEST_CASE("Billing engine: a meter that went backwards is flagged not billed and raises an alert", "[billing][engine]")
{
    Fixture f;
    auto tx = f.start("WALKIN", "2026-01-02T01:00:00Z", 5'000);
    f.sample(tx, "2026-01-02T01:30:00Z", 7'000);
    f.stop(tx, "2026-01-02T02:00:00Z", 2'000);
    f.engine.poll_once();
    CHECK(f.text("SELECT status || ' ' || anomalies || ' ' || total FROM billing_records") ==
          "flagged negative_energy,meter_reset 0");
    CHECK(f.sample(R"(csms_billing_records_total{status="flagged"})") == 1);
    CHECK(f.sample(R"(csms_billing_records_total{status="billed"})") == 0);
    CHECK(f.lines(tx).empty());
    auto message = f.text("SELECT message FROM alerts WHERE kind = 'billing_anomaly'");
    CHECK_THAT(message, Catch::Contains("session " + std::to_string(tx) + " on CP-1 connector 1 was not billed"));
    CHECK_THAT(message, Catch::Contains("settle billing record"));
}

TEST_CASE("Billing engine: a session before any tariff was in force is flagged no_tariff", "[billing][engine]")
{
    Fixture f;
    auto tx = f.start("WALKIN", "2025-12-30T01:00:00Z", 0);
    f.stop(tx, "2025-12-30T02:00:00Z", 4'000);
    f.engine.poll_once();
    CHECK(f.text("SELECT status || ' ' || anomalies || ' ' || ifnull(tariff, '-') FROM billing_records") ==
          "flagged no_tariff -");
    CHECK(f.count("SELECT count(*) FROM alerts WHERE kind = 'billing_anomaly'") == 1);
}

TEST_CASE("Billing engine: an idle fee waits for the car to leave and is charged after the grace time",
          "[billing][engine]")
{
    Fixture f;
    // The FLEET group's tariff has the idle fee; the group pays by invoice.
    auto tx = f.start("CAR-7", "2026-01-02T02:00:00Z", 0);
    f.status("2026-01-02T02:00:00Z", "Charging");
    f.status("2026-01-02T02:40:00Z", "SuspendedEV");
    f.stop(tx, "2026-01-02T03:00:00Z", 20'000);
    f.status("2026-01-02T03:00:00Z", "Finishing");
    f.engine.poll_once();
    CHECK(f.count("SELECT count(*) FROM billing_records") == 0); // the car may still be plugged in
    CHECK(f.sample("csms_billing_queue_depth") == 1);
    CHECK(f.sample(R"(csms_billing_records_total{status="billed"})") == 0);

    f.status("2026-01-02T03:30:00Z", "Available");
    f.engine.poll_once();
    CHECK(f.sample("csms_billing_queue_depth") == 0);
    CHECK(f.sample(R"(csms_billing_records_total{status="billed"})") == 1);
    // idle 02:40-03:30 = 50 min, 10 free: 40 x 0.50 = 20.00
    CHECK_THAT(f.lines(tx), Catch::Contains("idle//2000;"));
    CHECK(f.text("SELECT tariff || ' ' || payment_method || ' ' || tag_group FROM billing_records") ==
          "idle fleet_invoice FLEET");
}

TEST_CASE("Billing engine: every arrival order of the stop and the statuses gives the same bill", "[billing][engine]")
{
    // Stop, Finishing and Available, in each order they can arrive in, with
    // the engine passing between each arrival. The first order is the one
    // that lost the idle fee: Finishing only after the stop's first pass.
    std::vector<std::vector<int>> orders{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    for (const auto& order : orders) {
        Fixture f;
        auto tx = f.start("CAR-7", "2026-01-02T02:00:00Z", 0);
        f.status("2026-01-02T02:00:00Z", "Charging");
        for (int event : order) {
            if (event == 0) {
                f.stop(tx, "2026-01-02T03:00:00Z", 20'000);
            } else if (event == 1) {
                f.status("2026-01-02T03:00:00Z", "Finishing");
            } else {
                f.status("2026-01-02T03:12:00Z", "Available");
            }
            f.engine.poll_once();
        }
        INFO("order " << order[0] << order[1] << order[2]);
        CHECK(f.lines(tx) == "energy/peak/2400;service//800;idle//100;");
    }
}

TEST_CASE("Billing engine: when the car's leaving is never reported idle time is counted up to the stop",
          "[billing][engine]")
{
    Fixture f;
    auto tx = f.start("CAR-7", "2026-01-02T02:00:00Z", 0);
    f.status("2026-01-02T02:00:00Z", "Charging");
    f.status("2026-01-02T02:40:00Z", "SuspendedEV");
    f.stop(tx, "2026-01-02T03:00:00Z", 20'000);
    f.engine.poll_once();
    CHECK(f.count("SELECT count(*) FROM billing_records") == 0);

    f.clock.advance(121min);
    f.engine.poll_once();
    // idle 02:40-03:00 = 20 min, 10 free: 10 x 0.50 = 5.00
    CHECK_THAT(f.lines(tx), Catch::Contains("idle//500;"));
}

TEST_CASE("Billing engine: a next session with no status of the departure bills idle time up to the stop only",
          "[billing][engine]")
{
    Fixture f;
    auto tx = f.start("CAR-7", "2026-01-02T02:00:00Z", 0);
    f.status("2026-01-02T02:00:00Z", "Charging");
    f.status("2026-01-02T02:40:00Z", "SuspendedEV");
    f.stop(tx, "2026-01-02T03:00:00Z", 20'000);
    f.engine.poll_once();
    CHECK(f.count("SELECT count(*) FROM billing_records") == 0);

    // The next customer starts at 04:00; nothing said when the car left.
    f.start("WALKIN", "2026-01-02T04:00:00Z", 20'000);
    f.engine.poll_once();
    // idle 02:40-03:00 = 20 min, 10 free: 10 x 0.50 = 5.00 (not up to 04:00)
    CHECK_THAT(f.lines(tx), Catch::Contains("idle//500;"));
}

TEST_CASE("Billing engine: a stop that arrives days late is billed at the tariff in force at its start",
          "[billing][engine]")
{
    Fixture f;
    auto tx = f.start("WALKIN", "2026-01-02T03:00:00Z", 0); // 11:00-12:00 local: peak
    f.engine.poll_once();
    CHECK(f.count("SELECT count(*) FROM billing_records") == 0);

    // The charger was offline; its StopTransaction arrives three days later,
    // after a new everywhere tariff took over.
    f.clock.advance(72h);
    auto later = std::make_shared<TariffBook>(*book());
    later->tariffs["cheaper"] = later->tariffs.at("standard");
    later->tariffs["cheaper"].name = "cheaper";
    later->tariffs["cheaper"].energy_price = {{"peak", 1'000}, {"valley", 1'000}};
    later->assignments.push_back(
        TariffAssignment{"cheaper", AssignmentScope::everywhere, "", 2026y / 1 / 5, utc("2026-01-04T16:00:00Z"), 3});
    f.engine.set_tariffs(later);
    f.stop(tx, "2026-01-02T04:00:00Z", 2'000);
    f.engine.poll_once();
    CHECK(f.text("SELECT tariff FROM billing_records") == "standard");
    CHECK(f.lines(tx) == "energy/peak/240;service//80;");
}

TEST_CASE("Billing engine: sessions stopped before billing was first started are never billed", "[billing][engine]")
{
    Fixture f(false);
    auto before = f.start("WALKIN", "2026-01-02T03:00:00Z", 0);
    f.stop(before, "2026-01-02T04:00:00Z", 2'000);
    CHECK(f.count("SELECT count(*) FROM billing_queue") == 0);

    f.start_billing();
    auto after = f.start("WALKIN", "2026-01-02T05:00:00Z", 0);
    f.stop(after, "2026-01-02T06:00:00Z", 2'000);
    f.engine.poll_once();
    CHECK(f.count("SELECT count(*) FROM billing_records") == 1);
    CHECK(f.count("SELECT transaction_id FROM billing_records") == after);
}

TEST_CASE("Billing engine: records cannot be changed or deleted", "[billing][engine]")
{
    Fixture f;
    auto tx = f.start("WALKIN", "2026-01-02T03:00:00Z", 0);
    f.stop(tx, "2026-01-02T04:00:00Z", 2'000);
    f.engine.poll_once();
    REQUIRE(f.count("SELECT count(*) FROM billing_records") == 1);
    CHECK_THROWS_WITH(f.core.exec("UPDATE billing_records SET total = 0"), Catch::Contains("immutable"));
    CHECK_THROWS_WITH(f.core.exec("DELETE FROM billing_lines"), Catch::Contains("immutable"));
    CHECK(f.lines(tx) == "energy/peak/240;service//80;");
}
