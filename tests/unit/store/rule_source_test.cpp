#include "store/connection_store.hpp"
#include "store/rule_source.hpp"
#include "store/time_column.hpp"
#include "store_fixture.hpp"

#include <catch2/catch.hpp>

using csms::store::test::at;
using csms::store::test::MigratedDb;

TEST_CASE("rule source: newest_id is 0 for an empty table, then the largest id", "[store][rule_source]")
{
    MigratedDb m;
    CHECK(csms::store::newest_id(m.db, "connection_events") == 0);
    csms::store::record_connection_event(m.db, "CP1", csms::store::ConnectionEvent::connected, "", at(1));
    csms::store::record_connection_event(m.db, "CP1", csms::store::ConnectionEvent::disconnected, "", at(2));
    CHECK(csms::store::newest_id(m.db, "connection_events") == 2);
}

TEST_CASE("rule source: connection events after a cursor, in id order, at most limit", "[store][rule_source]")
{
    MigratedDb m;
    for (int i = 1; i <= 3; ++i) {
        csms::store::record_connection_event(m.db, "CP" + std::to_string(i), csms::store::ConnectionEvent::connected,
                                             "10.0.0.1", at(i));
    }
    auto rows = csms::store::rule_connections_after(m.db, 1, 1);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].id == 2);
    CHECK(rows[0].charger_id == "CP2");
    CHECK(rows[0].event == "connected");
    CHECK(rows[0].at == csms::store::to_column(at(2)));
    CHECK(csms::store::rule_connections_after(m.db, 3, 10).empty());
}

TEST_CASE("rule source: a charger's facts, and nullopt for one not registered", "[store][rule_source]")
{
    MigratedDb m;
    m.db.exec("INSERT INTO chargers (charger_id, registration, model, region, rated_power_w) "
              "VALUES ('CP1', 'Accepted', 'M1', 'north', 22000)");
    auto facts = csms::store::charger_facts(m.db, "CP1");
    REQUIRE(facts);
    CHECK(facts->model == "M1");
    CHECK(facts->region == "north");
    CHECK(facts->rated_power_w == 22000.0);
    CHECK_FALSE(facts->rated_current_a);
    CHECK_FALSE(csms::store::charger_facts(m.db, "CP2"));

    auto chargers = csms::store::rule_chargers(m.db);
    REQUIRE(chargers.size() == 1);
    CHECK(chargers[0].charger_id == "CP1");
    CHECK_FALSE(chargers[0].last_heartbeat);
}

TEST_CASE("rule source: sessions stopped after a time, the newest stop, the last finished sessions",
          "[store][rule_source]")
{
    MigratedDb m;
    m.db.exec("INSERT INTO chargers (charger_id, registration) VALUES ('CP1', 'Accepted')");
    auto session = [&](int start, int stop, int wh) {
        m.db.exec("INSERT INTO transactions (charger_id, connector_id, id_tag, meter_start_wh, start_timestamp, "
                  "auth_status, start_received_at, meter_stop_wh, stop_timestamp, stop_received_at) VALUES ('CP1', 1, "
                  "'TAG', 0, '" +
                  csms::store::to_column(at(start)) + "', 'Accepted', '" + csms::store::to_column(at(start)) + "', " +
                  std::to_string(wh) + ", '" + csms::store::to_column(at(stop)) + "', '" +
                  csms::store::to_column(at(stop)) + "')");
    };
    session(0, 3600, 10000);
    session(7200, 9000, 5000);

    auto changed = csms::store::chargers_stopped_after(m.db, "");
    REQUIRE(changed.size() == 1);
    CHECK(changed[0].first == "CP1");
    CHECK(csms::store::newest_stop_after(m.db, "") == csms::store::to_column(at(9000)));
    CHECK_FALSE(csms::store::newest_stop_after(m.db, csms::store::to_column(at(9000))));
    CHECK(csms::store::chargers_stopped_after(m.db, csms::store::to_column(at(9000))).empty());

    auto sessions = csms::store::last_finished_sessions(m.db, "CP1", 1);
    REQUIRE(sessions.size() == 1); // newest first, limit 1
    CHECK(sessions[0].energy_wh == 5000);
    CHECK(sessions[0].start_timestamp == csms::store::to_column(at(7200)));
    CHECK(sessions[0].stop_timestamp == csms::store::to_column(at(9000)));
}
