#include "base/time_format.hpp"
#include "store/migrations.hpp"
#include "store/sample_store.hpp"
#include "store/transaction.hpp"
#include "store/transaction_view.hpp"
#include "store_fixture.hpp"
#include "support/sample_record.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace csms::store;
using csms::store::test::at;

namespace {

// Every column of the old meter_values table, as text, in arrival order.
std::vector<std::string> meter_value_rows(Database& db)
{
    auto& s = db.cached(R"sql(
        SELECT quote(charger_id) || ' ' || connector_id || ' ' || quote(transaction_id) || ' ' ||
               quote(reported_transaction_id) || ' ' || timestamp || ' ' || quote(value) || ' ' ||
               quote(normalized_value) || ' ' || measurand || ' ' || quote(phase) || ' ' || quote(unit) || ' ' ||
               context || ' ' || location || ' ' || format || ' ' || source || ' ' || received_at
        FROM meter_values ORDER BY id)sql");
    ResetGuard guard(s);
    std::vector<std::string> rows;
    while (s.step()) {
        rows.push_back(s.column_text(0));
    }
    return rows;
}

SampleRecord voltage(const std::string& value, std::optional<double> volts)
{
    auto record = csms::test::sample_record("CP1", 1, at(60), "Voltage", 0, "V");
    record.value = value;
    record.normalized_value = volts;
    record.received_at = at(61);
    return record;
}

std::int64_t count(Database& db, const std::string& sql)
{
    auto& s = db.cached(sql);
    ResetGuard guard(s);
    s.step();
    return s.column_int64(0);
}

} // namespace

TEST_CASE("Migration 0017: every sample of a version-16 database reads back the same through meter_values",
          "[store][samples][migrations]")
{
    csms::test::TempDir dir;
    Database db(dir.file("csms.db"));
    migrate(db, known_migrations().first(16));
    // Rows as the version-16 writer stored them: odd texts, units to convert,
    // foreign and missing transactions, a stop's samples on connector 0, two
    // messages at one instant.
    db.exec(R"sql(
        INSERT INTO chargers (charger_id, registration) VALUES ('CP1', 'Accepted'), ('CP2', 'Accepted');
        INSERT INTO transactions (transaction_id, charger_id, connector_id, id_tag, meter_start_wh, start_timestamp,
                                  auth_status, start_received_at)
        VALUES (7, 'CP1', 1, 'TAG', 1000, '2026-01-01T10:00:00.000Z', 'Accepted', '2026-01-01T10:00:00.000Z');
        INSERT INTO meter_values (id, charger_id, connector_id, transaction_id, reported_transaction_id, timestamp,
                                  value, normalized_value, measurand, phase, unit, context, location, format, source,
                                  received_at) VALUES
          (1, 'CP1', 1, 7, 7, '2026-01-01T10:01:00.000Z', '1.5', 1500.0, 'Energy.Active.Import.Register', '',
           'kWh', 'Sample.Periodic', 'Outlet', 'Raw', 'MeterValues', '2026-01-01T10:01:00.250Z'),
          (2, 'CP1', 1, 7, 7, '2026-01-01T10:01:00.000Z', '230.10', 230.1, 'Voltage', 'L1-N', 'V',
           'Sample.Periodic', 'Outlet', 'Raw', 'MeterValues', '2026-01-01T10:01:00.250Z'),
          (3, 'CP1', 1, 7, 7, '2026-01-01T10:01:00.000Z', 'twelve', NULL, 'SoC', '', 'Percent', 'Sample.Periodic',
           'EV', 'Raw', 'MeterValues', '2026-01-01T10:01:00.250Z'),
          (4, 'CP1', 1, 7, 7, '2026-01-01T10:01:00.000Z', '98.6', 37.0, 'Temperature', '', 'Fahrenheit',
           'Sample.Periodic', 'Body', 'Raw', 'MeterValues', '2026-01-01T10:01:00.250Z'),
          (5, 'CP1', 1, 7, 7, '2026-01-01T10:01:00.000Z', '1e3', 1000.0, 'Power.Active.Import', '', 'W',
           'Sample.Periodic', 'Outlet', 'Raw', 'MeterValues', '2026-01-01T10:01:00.250Z'),
          (6, 'CP1', 1, 7, 7, '2026-01-01T10:01:00.000Z', '3081AB', NULL, 'Energy.Active.Import.Register', '',
           'Wh', 'Sample.Periodic', 'Outlet', 'SignedData', 'MeterValues', '2026-01-01T10:01:00.250Z'),
          (7, 'CP1', 1, 7, 7, '2026-01-01T10:01:00.000Z', '1.6', 1600.0, 'Energy.Active.Import.Register', '',
           'kWh', 'Sample.Periodic', 'Outlet', 'Raw', 'MeterValues', '2026-01-01T10:01:05.000Z'),
          (8, 'CP1', 2, NULL, 99, '2026-01-01T10:02:00.000Z', '-0', 0.0, 'Current.Import', 'L1', 'A',
           'Sample.Periodic', 'Outlet', 'Raw', 'MeterValues', '2026-01-01T10:02:00.000Z'),
          (9, 'CP2', 1, NULL, NULL, '2026-01-01T10:02:00.000Z', '0230', 230.0, 'Voltage', '', 'V',
           'Sample.Periodic', 'Outlet', 'Raw', 'MeterValues', '2026-01-01T10:02:00.000Z'),
          (10, 'CP1', 0, 7, 7, '2026-01-01T10:30:00.000Z', '2000', 2000.0, 'Energy.Active.Import.Register', '',
           'Wh', 'Transaction.End', 'Outlet', 'Raw', 'StopTransaction', '2026-01-01T10:30:01.000Z'),
          (11, 'CP1', 0, 7, 7, '2026-01-01T10:30:00.000Z', '7', NULL, 'Frequency', '', 'furlongs',
           'Transaction.End', 'Outlet', 'Raw', 'StopTransaction', '2026-01-01T10:30:01.000Z');
        INSERT INTO rule_engine_cursors (source, last_id) VALUES ('meter_values', 4);
        INSERT INTO stats_cursors (name, position) VALUES ('meter_values', '9');
    )sql");
    const auto before = meter_value_rows(db);
    REQUIRE(before.size() == 11);

    migrate(db);
    CHECK(meter_value_rows(db) == before);
    // A message per meterValue as received (rows 1-6, 7, 8, 9, 10-11); only
    // the six texts a number cannot write again are kept as text.
    CHECK(count(db, "SELECT count(*) FROM sample_messages") == 5);
    CHECK(count(db, "SELECT count(*) FROM samples WHERE text IS NOT NULL") == 6);
    // The engines resume after the messages they had read whole.
    CHECK(count(db, "SELECT last_id FROM rule_engine_cursors WHERE source = 'sample_messages'") == 0);
    CHECK(count(db, "SELECT position FROM stats_cursors WHERE name = 'sample_messages'") == 9);

    // The transaction's values in order, as the admin API shows them.
    auto values = transaction_meter_values(db, 7, 100);
    REQUIRE(values.size() == 9);
    CHECK(values[0].value == "1.5");
    CHECK(values[0].normalized_value == 1500.0);
    CHECK(values[1].value == "230.10");
    CHECK(values[3].value == "98.6");
    CHECK(values[3].normalized_value == Approx(37.0));
    CHECK(values[8].value == "7");
    CHECK(values[8].timestamp == "2026-01-01T10:30:00.000Z");

    // A charger retrying a message stored before the upgrade is not stored twice.
    auto retried = voltage("230.10", 230.1);
    retried.phase = "L1-N";
    retried.transaction_id = 7;
    retried.timestamp = *csms::base::parse_date_time("2026-01-01T10:01:00.000Z");
    CHECK(insert_samples(db, {retried}) == 0);
    retried.value = "230.20";
    retried.normalized_value = 230.2;
    CHECK(insert_samples(db, {retried}) == 1);
    CHECK(count(db, "SELECT max(id) FROM sample_messages") == 11);
}

TEST_CASE("insert_samples: a kind or connector whose row was rolled back is written again", "[store][samples]")
{
    test::MigratedDb t;
    t.db.exec("INSERT INTO chargers (charger_id, registration) VALUES ('CP1', 'Accepted')");
    {
        Transaction rolled_back(t.db);
        CHECK(insert_samples(t.db, {voltage("230", 230)}) == 1);
    } // not committed: the new kind and connector rows are gone
    CHECK(insert_samples(t.db, {voltage("231", 231)}) == 1);
    CHECK(t.text("SELECT measurand || ' ' || value || ' ' || charger_id FROM meter_values") == "Voltage 231 CP1");
}

TEST_CASE("insert_samples: one message's values keep the charger's order and a second one at that instant is "
          "added to it",
          "[store][samples]")
{
    test::MigratedDb t;
    t.db.exec("INSERT INTO chargers (charger_id, registration) VALUES ('CP1', 'Accepted')");
    auto power = voltage("7200", 7200);
    power.measurand = "Power.Active.Import";
    power.unit = "W";
    CHECK(insert_samples(t.db, {voltage("230", 230), power}) == 2);
    auto later = voltage("229", 229);
    later.received_at = at(90); // another message, same instant
    CHECK(insert_samples(t.db, {power, later}) == 1);
    CHECK(t.text("SELECT group_concat(measurand || '=' || value, ',') FROM (SELECT * FROM meter_values ORDER BY id)") ==
          "Voltage=230,Power.Active.Import=7200,Voltage=229");
}

TEST_CASE("transaction_meter_values: a transaction reported on two connectors reads both, in time order",
          "[store][samples]")
{
    test::MigratedDb t;
    t.db.exec(R"sql(
        INSERT INTO chargers (charger_id, registration) VALUES ('CP1', 'Accepted');
        INSERT INTO transactions (transaction_id, charger_id, connector_id, id_tag, meter_start_wh, start_timestamp,
                                  auth_status, start_received_at)
        VALUES (7, 'CP1', 1, 'TAG', 1000, '2026-01-01T00:00:00.000Z', 'Accepted', '2026-01-01T00:00:00.000Z');
    )sql");
    auto on = [](int connector, std::int64_t seconds, const char* value) {
        auto record = voltage(value, std::stod(value));
        record.connector_id = connector;
        record.transaction_id = 7;
        record.timestamp = at(seconds);
        return record;
    };
    CHECK(insert_samples(t.db, {on(1, 10, "230")}) == 1);
    CHECK(insert_samples(t.db, {on(2, 20, "231")}) == 1); // the charger's mistake, still its transaction
    CHECK(insert_samples(t.db, {on(1, 30, "232")}) == 1);
    std::string values;
    for (const auto& v : transaction_meter_values(t.db, 7, 100)) {
        values += v.value + " ";
    }
    CHECK(values == "230 231 232 ");
    CHECK(transaction_meter_values(t.db, 7, 2).size() == 2);
}
