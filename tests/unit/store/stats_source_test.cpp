#include "store/quarter_source.hpp"
#include "store/stats_source.hpp"
#include "store/time_column.hpp"
#include "store_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using csms::store::to_column;
using csms::store::test::at;
using csms::store::test::MigratedDb;

namespace {

void add_status(MigratedDb& m, int connector_id, const std::string& status, int seconds)
{
    m.db.exec("INSERT INTO status_history (charger_id, connector_id, status, error_code, timestamp, received_at) "
              "VALUES ('CP1', " +
              std::to_string(connector_id) + ", '" + status + "', 'NoError', '" + to_column(at(seconds)) + "', '" +
              to_column(at(seconds + 1)) + "')");
}

void add_session(MigratedDb& m, int start, int stop)
{
    m.db.exec("INSERT INTO transactions (charger_id, connector_id, id_tag, meter_start_wh, start_timestamp, "
              "auth_status, start_received_at, meter_stop_wh, stop_timestamp, stop_received_at) VALUES ('CP1', 1, "
              "'TAG', 100, '" +
              to_column(at(start)) + "', 'Accepted', '" + to_column(at(start)) + "', 900, '" + to_column(at(stop)) +
              "', '" + to_column(at(stop + 1)) + "')");
}

struct Charger : MigratedDb {
    Charger() { db.exec("INSERT INTO chargers (charger_id, registration) VALUES ('CP1', 'Accepted')"); }
};

} // namespace

TEST_CASE("stats source: statuses after a cursor, and when each connector's next one took effect",
          "[store][stats_source]")
{
    Charger m;
    add_status(m, 1, "Available", 0);
    add_status(m, 2, "Available", 10);
    add_status(m, 1, "Charging", 60);

    std::vector<csms::store::StatsStatusRow> rows;
    csms::store::for_each_status_after(m.db, 1, 10, [&](const auto& row) { rows.push_back(row); });
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].id == 2);
    CHECK(rows[0].connector_id == 2);
    CHECK(rows[0].at == to_column(at(10))); // the charger's timestamp, not received_at
    CHECK(rows[1].id == 3);

    CHECK(csms::store::next_status_at(m.db, "CP1", 1, to_column(at(0))) == to_column(at(60)));
    CHECK_FALSE(csms::store::next_status_at(m.db, "CP1", 1, to_column(at(60))));
    CHECK_FALSE(csms::store::next_status_at(m.db, "CP1", 2, to_column(at(10))));
}

TEST_CASE("stats source: sessions after a cursor, stops since a time, the newest stop", "[store][stats_source]")
{
    Charger m;
    CHECK(csms::store::newest_stop_received_at(m.db).empty());
    add_session(m, 0, 600);
    add_session(m, 1200, 1800);
    CHECK(csms::store::newest_stop_received_at(m.db) == to_column(at(1801)));

    std::vector<csms::store::StatsSessionRow> sessions;
    csms::store::for_each_session_after(m.db, 1, 10, [&](const auto& row) { sessions.push_back(row); });
    REQUIRE(sessions.size() == 1);
    CHECK(sessions[0].start_timestamp == to_column(at(1200)));
    CHECK(sessions[0].stop_timestamp == to_column(at(1800)));

    std::vector<csms::store::StatsSessionRow> stops;
    csms::store::for_each_stop_since(m.db, to_column(at(601)), [&](const auto& row) { stops.push_back(row); });
    REQUIRE(stops.size() == 2);
    CHECK(stops[0].stop_received_at == to_column(at(601)));
}

TEST_CASE("quarter source: a quarter's statuses, session counts and sessions", "[store][quarter_source]")
{
    Charger m;
    add_status(m, 1, "Available", 0);
    add_status(m, 1, "Charging", 1000);
    add_status(m, 1, "Finishing", 1700);
    add_session(m, 1000, 1700);
    const auto start = to_column(at(900));
    const auto end = to_column(at(1800));
    const csms::store::QuarterKey k{"CP1", 1, start, end};

    CHECK(csms::store::status_at_start(m.db, k) == "Available");
    auto changes = csms::store::status_changes(m.db, k);
    REQUIRE(changes.size() == 2);
    CHECK(changes[0].status == "Charging");
    CHECK(changes[1].at == to_column(at(1700)));
    CHECK(csms::store::sessions_started_in(m.db, k) == 1);
    CHECK(csms::store::sessions_stopped_in(m.db, k) == 1);

    auto sessions = csms::store::quarter_sessions(m.db, k, to_column(at(0)));
    REQUIRE(sessions.size() == 1);
    CHECK(sessions[0].meter_start_wh == 100);
    CHECK(sessions[0].meter_stop_wh == 900.0);
    CHECK(csms::store::quarter_sessions(m.db, k, to_column(at(1001))).empty()); // started before started_since
    CHECK(csms::store::session_register_samples(m.db, k, at(1000), at(1700), at(900), at(1800)).empty());
    CHECK_FALSE(csms::store::max_sample_value(m.db, k, "Power.Active.Import", true, at(900), at(1800)));
}
