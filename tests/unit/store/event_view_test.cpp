#include "store/event_view.hpp"

#include "store_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace csms::store;
using namespace csms::store::test;

TEST_CASE("events_after: connections, boots and transactions come in arrival order with their fields",
          "[store][event_view]")
{
    MigratedDb t;
    auto before = latest_event_cursor(t.db);
    t.db.exec(R"sql(
        INSERT INTO connection_events (charger_id, event, remote_address, at)
            VALUES ('W1', 'connected', '10.0.0.5', '2026-03-01T10:00:00.000Z');
        INSERT INTO chargers (charger_id, registration, vendor, model, last_boot)
            VALUES ('W1', 'Pending', 'ACME', 'Fast-50', '2026-03-01T10:00:01.000Z');
        UPDATE chargers SET registration = 'Accepted', last_boot = '2026-03-01T10:00:02.000Z' WHERE charger_id = 'W1';
        UPDATE chargers SET model = 'Fast-60' WHERE charger_id = 'W1';
        INSERT INTO transactions (charger_id, connector_id, id_tag, meter_start_wh, start_timestamp, auth_status,
                                  start_received_at)
            VALUES ('W1', 2, 'T1', 1000, '2026-03-01T10:00:03.000Z', 'Accepted', '2026-03-01T10:00:03.000Z');
        UPDATE transactions SET meter_stop_wh = 1500, stop_timestamp = '2026-03-01T10:00:04.000Z',
                                stop_reason = 'EVDisconnected', stop_received_at = '2026-03-01T10:00:04.000Z';
        INSERT INTO connection_events (charger_id, event, at) VALUES ('W1', 'disconnected', '2026-03-01T10:00:05.000Z');
    )sql");
    auto cursor = before;
    auto events = events_after(t.db, cursor, 100);
    std::vector<std::string> types;
    for (const auto& e : events) {
        types.push_back(e.type);
    }
    CHECK(types == std::vector<std::string>{"connected", "boot", "boot", "transaction_started", "transaction_stopped",
                                            "disconnected"});
    REQUIRE(events.size() == 6);
    CHECK(events[0].remote_address == "10.0.0.5");
    CHECK(events[1].registration == "Pending");
    CHECK(events[2].registration == "Accepted");
    CHECK(events[2].vendor == "ACME");
    CHECK(events[3].connector_id == 2);
    CHECK(events[3].meter_start_wh == 1000);
    CHECK(events[4].transaction_id == events[3].transaction_id);
    CHECK(events[4].energy_wh == 500);
    CHECK(events[4].stop_reason == "EVDisconnected");
    // Read past everything: the next read is empty, and the cursor survives its text.
    CHECK(events_after(t.db, cursor, 100).empty());
    auto again = EventCursor::parse(cursor.to_string());
    REQUIRE(again);
    CHECK(again->to_string() == cursor.to_string());
    CHECK(latest_event_cursor(t.db).to_string() == cursor.to_string());

    // A smaller limit keeps the oldest and moves the cursor only past them.
    auto partial = before;
    REQUIRE(events_after(t.db, partial, 2).size() == 2);
    auto rest = events_after(t.db, partial, 100);
    REQUIRE(rest.size() == 4);
    CHECK(rest.front().type == "boot");
}

TEST_CASE("EventCursor::parse takes only the four numbers it wrote", "[store][event_view]")
{
    CHECK(EventCursor::parse("1.2.3.4"));
    for (const char* bad : {"", "1.2", "1.2.3", "1.2.3.4.5", "1.2.3.x", "1..3.4", "-1.2.3.4", "1.2.3.4 "}) {
        INFO(bad);
        CHECK_FALSE(EventCursor::parse(bad));
    }
}
