#include "base/time_format.hpp"
#include "store/charger_store.hpp"
#include "store/sample_store.hpp"
#include "store/transaction_store.hpp"

#include "store_fixture.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

using namespace csms::store;
using csms::store::test::at;
using csms::store::test::MigratedDb;

namespace {

struct ChargingDb : MigratedDb {
    ChargingDb()
    {
        for (const char* id : {"CP1", "CP2"}) {
            set_registration(db, id, Registration::accepted);
        }
    }
};

StartRecord start(std::string charger_id = "CP1", std::string id_tag = "TAG1")
{
    return StartRecord{.charger_id = std::move(charger_id),
                       .connector_id = 1,
                       .id_tag = std::move(id_tag),
                       .meter_start_wh = 1000,
                       .timestamp = at(60),
                       .reservation_id = std::nullopt,
                       .auth_status = "Accepted",
                       .received_at = at(61)};
}

StopRecord stop(std::int64_t transaction_id, std::string charger_id = "CP1")
{
    return StopRecord{.charger_id = std::move(charger_id),
                      .transaction_id = transaction_id,
                      .id_tag = std::string("TAG1"),
                      .meter_stop_wh = 4500,
                      .timestamp = at(3600),
                      .reason = std::string("Local"),
                      .received_at = at(3601)};
}

SampleRecord sample(std::optional<std::int64_t> transaction_id, std::string measurand, std::string phase = "")
{
    return SampleRecord{.charger_id = "CP1",
                        .connector_id = 1,
                        .transaction_id = transaction_id,
                        .timestamp = at(120),
                        .value = "1.5",
                        .normalized_value = 1500.0,
                        .measurand = std::move(measurand),
                        .phase = std::move(phase),
                        .unit = "kWh",
                        .context = "Sample.Periodic",
                        .location = "Outlet",
                        .format = "Raw",
                        .source = "MeterValues",
                        .received_at = at(121)};
}

} // namespace

TEST_CASE("id tags: upsert and find round-trip, including expiry and parent", "[store][idtag]")
{
    MigratedDb t;
    CHECK(find_id_tag(t.db, "TAG1") == std::nullopt);
    IdTagRow row{.id_tag = "TAG1", .status = "Accepted", .expiry = at(86400), .parent_id_tag = "GROUP"};
    upsert_id_tag(t.db, row);
    CHECK(find_id_tag(t.db, "TAG1") == row);

    row.status = "Blocked";
    row.expiry = std::nullopt;
    row.parent_id_tag = std::nullopt;
    upsert_id_tag(t.db, row);
    CHECK(find_id_tag(t.db, "TAG1") == row);
    CHECK(t.count("SELECT count(*) FROM id_tags") == 1);

    row.status = "Sometimes";
    CHECK_THROWS_AS(upsert_id_tag(t.db, row), SqliteError); // CHECK constraint
}

TEST_CASE("transactions: insert round-trips and a retried start is found as identical", "[store][transaction]")
{
    ChargingDb t;
    auto record = start();
    record.reservation_id = 7;
    CHECK(find_identical_start(t.db, record) == std::nullopt);
    auto id = insert_transaction(t.db, record);
    CHECK(id >= 1);
    CHECK(t.text("SELECT charger_id || '/' || connector_id || '/' || id_tag || '/' || meter_start_wh || '/' || "
                 "start_timestamp || '/' || reservation_id || '/' || auth_status || '/' || start_received_at "
                 "FROM transactions") ==
          "CP1/1/TAG1/1000/2026-01-01T00:01:00.000Z/7/Accepted/2026-01-01T00:01:01.000Z");

    auto retry = record;
    retry.received_at = at(90); // arrival time is not part of the identity
    auto existing = find_identical_start(t.db, retry);
    REQUIRE(existing);
    CHECK(existing->transaction_id == id);
    CHECK(existing->auth_status == "Accepted");

    auto other = record;
    other.meter_start_wh = 1001;
    CHECK(find_identical_start(t.db, other) == std::nullopt);
}

TEST_CASE("transactions: the UNIQUE index refuses a second identical start", "[store][transaction]")
{
    ChargingDb t;
    insert_transaction(t.db, start());
    try {
        insert_transaction(t.db, start());
        FAIL("identical start inserted twice");
    } catch (const SqliteError& e) {
        CHECK(e.code() == SQLITE_CONSTRAINT_UNIQUE);
    }
    CHECK(t.count("SELECT count(*) FROM transactions") == 1);
}

TEST_CASE("transactions: ids are never reused, even after deleting the newest", "[store][transaction]")
{
    ChargingDb t;
    auto first = insert_transaction(t.db, start("CP1", "TAG1"));
    auto second = insert_transaction(t.db, start("CP1", "TAG2"));
    CHECK(second > first);
    t.db.exec("DELETE FROM transactions");
    auto third = insert_transaction(t.db, start("CP1", "TAG3"));
    CHECK(third > second);
}

TEST_CASE("transactions: the open transaction of an id tag is found on any charger until stopped",
          "[store][transaction]")
{
    ChargingDb t;
    CHECK(find_open_transaction_for_tag(t.db, "TAG1") == std::nullopt);
    auto id = insert_transaction(t.db, start("CP2", "TAG1"));
    insert_transaction(t.db, start("CP1", "TAG2"));
    CHECK(find_open_transaction_for_tag(t.db, "TAG1") == id);
    CHECK(stop_transaction(t.db, stop(id, "CP2")) == StopOutcome::closed);
    CHECK(find_open_transaction_for_tag(t.db, "TAG1") == std::nullopt);
}

TEST_CASE("stop_transaction: the first stop closes, a retry is already_closed and changes nothing",
          "[store][transaction]")
{
    ChargingDb t;
    auto id = insert_transaction(t.db, start());
    CHECK(stop_transaction(t.db, stop(id)) == StopOutcome::closed);
    const auto stop_row = [&] {
        return t.text("SELECT stop_id_tag || '/' || meter_stop_wh || '/' || stop_timestamp || '/' || stop_reason || "
                      "'/' || stop_received_at FROM transactions");
    };
    CHECK(stop_row() == "TAG1/4500/2026-01-01T01:00:00.000Z/Local/2026-01-01T01:00:01.000Z");

    auto retry = stop(id);
    retry.received_at = at(4000);
    CHECK(stop_transaction(t.db, retry) == StopOutcome::already_closed);
    CHECK(stop_row() == "TAG1/4500/2026-01-01T01:00:00.000Z/Local/2026-01-01T01:00:01.000Z");
    CHECK(t.count("SELECT count(*) FROM unmatched_stops") == 0);
}

TEST_CASE("stop_transaction: a contradicting second stop is kept in unmatched_stops", "[store][transaction]")
{
    ChargingDb t;
    auto id = insert_transaction(t.db, start());
    CHECK(stop_transaction(t.db, stop(id)) == StopOutcome::closed);
    auto conflicting = stop(id);
    conflicting.meter_stop_wh = 9999;
    CHECK(stop_transaction(t.db, conflicting) == StopOutcome::already_closed);
    CHECK(t.text("SELECT meter_stop_wh FROM transactions") == "4500");
    CHECK(t.text("SELECT cause || '/' || meter_stop_wh FROM unmatched_stops") == "conflicting_stop/9999");
}

TEST_CASE("stop_transaction: an unknown id is recorded in unmatched_stops, once per retry", "[store][transaction]")
{
    ChargingDb t;
    CHECK(stop_transaction(t.db, stop(424242)) == StopOutcome::unknown_transaction);
    CHECK(stop_transaction(t.db, stop(424242)) == StopOutcome::unknown_transaction);
    CHECK(t.text("SELECT charger_id || '/' || transaction_id || '/' || cause || '/' || id_tag || '/' || "
                 "meter_stop_wh || '/' || timestamp || '/' || reason FROM unmatched_stops") ==
          "CP1/424242/unknown_transaction/TAG1/4500/2026-01-01T01:00:00.000Z/Local");
    CHECK(t.count("SELECT count(*) FROM unmatched_stops") == 1);

    // Not even a charger without a row loses its stop.
    CHECK(stop_transaction(t.db, stop(5, "CP-UNKNOWN")) == StopOutcome::unknown_transaction);
    CHECK(t.count("SELECT count(*) FROM unmatched_stops") == 2);
}

TEST_CASE("stop_transaction: another charger's transaction id is unknown and leaves it open", "[store][transaction]")
{
    ChargingDb t;
    auto id = insert_transaction(t.db, start("CP1"));
    CHECK(stop_transaction(t.db, stop(id, "CP2")) == StopOutcome::unknown_transaction);
    CHECK(t.text("SELECT cause FROM unmatched_stops") == "other_charger");
    CHECK(t.count("SELECT count(*) FROM transactions WHERE stop_received_at IS NULL") == 1);
}

TEST_CASE("insert_samples: rows round-trip and a replayed sample is ignored", "[store][samples]")
{
    ChargingDb t;
    auto id = insert_transaction(t.db, start());
    std::vector<SampleRecord> batch{sample(id, "Energy.Active.Import.Register"), sample(id, "Current.Import", "L1"),
                                    sample(id, "Current.Import", "L2"), sample(std::nullopt, "Voltage", "L1")};
    CHECK(insert_samples(t.db, batch) == 4);
    CHECK(t.text("SELECT charger_id || '/' || connector_id || '/' || transaction_id || '/' || timestamp || '/' || "
                 "value || '/' || normalized_value || '/' || measurand || '/' || phase || '/' || unit || '/' || "
                 "context || '/' || location || '/' || format || '/' || source || '/' || received_at "
                 "FROM meter_values ORDER BY id LIMIT 1") ==
          "CP1/1/" + std::to_string(id) +
              "/2026-01-01T00:02:00.000Z/1.5/1500.0/Energy.Active.Import.Register//kWh/Sample.Periodic/Outlet/Raw/"
              "MeterValues/2026-01-01T00:02:01.000Z");

    // The whole message again, plus one new value: only the new one is stored.
    batch.push_back(sample(id, "Power.Active.Import"));
    for (auto& s : batch) {
        s.received_at = at(500);
    }
    CHECK(insert_samples(t.db, batch) == 1);
    CHECK(t.count("SELECT count(*) FROM meter_values") == 5);

    // Without a transaction, replays are still caught (NULLs would not be by a plain UNIQUE).
    CHECK(insert_samples(t.db, {sample(std::nullopt, "Voltage", "L1")}) == 0);
    // The same sample for a different transaction is different.
    CHECK(insert_samples(t.db, {sample(id + 1, "Voltage", "L1")}) == 1);
    CHECK(insert_samples(t.db, {}) == 0);
}

TEST_CASE("insert_samples: a long message with repeats and several times is stored row by row", "[store][samples]")
{
    ChargingDb t;
    auto own = insert_transaction(t.db, start("CP1"));
    auto other = insert_transaction(t.db, start("CP2", "TAG2"));
    // 21 samples: more than one INSERT's worth of rows, three timestamps,
    // a repeat inside the message, and a transaction of another charger.
    std::vector<SampleRecord> batch;
    for (int i = 0; i < 20; ++i) {
        auto s = sample(own, "Current.Import", "L" + std::to_string(i % 7));
        s.timestamp = at(120 + i / 7);
        s.value = std::to_string(i);
        batch.push_back(s);
    }
    batch.push_back(batch[3]); // a repeat within the message
    CHECK(insert_samples(t.db, batch) == 20);
    CHECK(t.count("SELECT count(*) FROM meter_values WHERE transaction_id = " + std::to_string(own)) == 20);
    for (int i = 0; i < 20; ++i) {
        INFO(i);
        CHECK(t.text("SELECT timestamp || '/' || phase || '/' || received_at FROM meter_values WHERE value = '" +
                     std::to_string(i) + "'") == csms::base::format_date_time(at(120 + i / 7)) + "/L" +
                                                     std::to_string(i % 7) + "/2026-01-01T00:02:01.000Z");
    }

    // Reported against another charger's transaction: kept, but not linked.
    std::vector<SampleRecord> foreign(10, sample(other, "Voltage"));
    for (int i = 0; i < 10; ++i) {
        foreign[static_cast<std::size_t>(i)].value = "v" + std::to_string(i);
    }
    CHECK(insert_samples(t.db, foreign) == 10);
    CHECK(t.count("SELECT count(*) FROM meter_values WHERE reported_transaction_id = " + std::to_string(other) +
                  " AND transaction_id IS NULL") == 10);
}

TEST_CASE("insert_samples: a NULL normalized value is stored as NULL", "[store][samples]")
{
    ChargingDb t;
    auto s = sample(std::nullopt, "SoC");
    s.normalized_value = std::nullopt;
    CHECK(insert_samples(t.db, {s}) == 1);
    CHECK(t.text("SELECT normalized_value FROM meter_values") == "<null>");
}

TEST_CASE("find_transaction_connector: only the charger's own transaction has a connector", "[store][transaction]")
{
    ChargingDb t;
    auto record = start("CP1");
    record.connector_id = 2;
    auto id = insert_transaction(t.db, record);
    CHECK(find_transaction_connector(t.db, "CP1", id) == 2);
    CHECK(find_transaction_connector(t.db, "CP2", id) == std::nullopt);
    CHECK(find_transaction_connector(t.db, "CP1", id + 1) == std::nullopt);
}
