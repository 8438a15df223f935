#include "store/alert_store.hpp"
#include "store/link_alert_store.hpp"
#include "store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace csms::store;
using csms::store::test::at;
using csms::store::test::MigratedDb;

TEST_CASE("Link alert store: one partner_link_down alert per link until it is cleared", "[store][alerts]")
{
    MigratedDb t;
    CHECK(open_link_down_alert(t.db, "fleet", "CP-1", "partner 'fleet' link for CP-1 is down", at(1)));
    CHECK_FALSE(open_link_down_alert(t.db, "fleet", "CP-1", "again", at(2)));
    CHECK(open_link_down_alert(t.db, "fleet", "CP-2", "another charger", at(2)));
    CHECK(open_link_down_alert(t.db, "billing", "CP-1", "another partner", at(2)));
    CHECK(t.count("SELECT count(*) FROM alerts WHERE kind = 'partner_link_down' AND severity = 'warning'") == 3);
    CHECK(t.text("SELECT source_ref FROM alerts WHERE id = 1") == "proxy_links:fleet");
    // Opened events for the notification routes, as for every alert.
    CHECK(t.count("SELECT count(*) FROM alert_events WHERE event = 'opened'") == 3);

    // An acknowledged one still counts as not cleared.
    REQUIRE(acknowledge_alert(t.db, 1, "olga", std::nullopt, at(3)) == AckResult::acknowledged);
    CHECK_FALSE(open_link_down_alert(t.db, "fleet", "CP-1", "again", at(3)));
    CHECK(links_with_down_alert(t.db).size() == 3);

    CHECK(clear_link_down_alert(t.db, "fleet", "CP-1", at(4)));
    CHECK_FALSE(clear_link_down_alert(t.db, "fleet", "CP-1", at(5)));
    CHECK(t.text("SELECT state FROM alerts WHERE id = 1") == "cleared");
    CHECK(t.count("SELECT count(*) FROM alert_events WHERE event = 'cleared' AND alert_id = 1") == 1);
    auto down = links_with_down_alert(t.db);
    REQUIRE(down.size() == 2);
    CHECK(((down[0].partner == "fleet" && down[0].charger_id == "CP-2") ||
           (down[1].partner == "fleet" && down[1].charger_id == "CP-2")));

    // A new outage of the same link opens a new alert.
    CHECK(open_link_down_alert(t.db, "fleet", "CP-1", "down again", at(6)));
    CHECK(t.count("SELECT count(*) FROM alerts WHERE charger_id = 'CP-1' AND source_ref = 'proxy_links:fleet'") == 2);
}
