#include "store/notification_store.hpp"
#include "store/operator_store.hpp"
#include "store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace csms::store;
using csms::store::test::at;
using csms::store::test::MigratedDb;

namespace {

// "event at" per outbox row.
std::vector<std::string> outbox(Database& db)
{
    std::vector<std::string> out;
    for (const auto& e : alert_events_after(db, 0, 100)) {
        out.push_back(e.event + " " + e.at);
    }
    return out;
}

} // namespace

TEST_CASE("Notification store: every alert change leaves one outbox event at the alert's own time",
          "[store][notifications]")
{
    MigratedDb t;
    AlertKey key{"hot", std::string("CP1"), 1};
    auto id = raise_alert(t.db, key, "threshold", AlertSeverity::critical, "hot", at(10)).first;
    raise_alert(t.db, key, "threshold", AlertSeverity::critical, "hot again", at(11)); // a refresh: no event
    acknowledge_alert(t.db, id, "olga", std::nullopt, at(20));
    acknowledge_alert(t.db, id, "olga", std::nullopt, at(21)); // refused: no event
    clear_alert(t.db, key, at(30));
    // An alert the CSMS raises itself, written by another repository.
    t.db.exec("INSERT INTO alerts (kind, severity, message, raised_at) "
              "VALUES ('security_event', 'critical', 'tamper', '2026-01-01T00:01:00.000Z')");
    CHECK(outbox(t.db) ==
          std::vector<std::string>{"opened 2026-01-01T00:00:10.000Z", "acknowledged 2026-01-01T00:00:20.000Z",
                                   "cleared 2026-01-01T00:00:30.000Z", "opened 2026-01-01T00:01:00.000Z"});
    CHECK(alert_events_after(t.db, 0, 1)[0].alert.message == "hot");

    // Escalation events: once per alert and route, only while open.
    auto open =
        raise_alert(t.db, AlertKey{"hot", std::string("CP2"), 1}, "threshold", AlertSeverity::warning, "x", at(40))
            .first;
    CHECK(add_escalation_event(t.db, open, "night", at(50)));
    CHECK_FALSE(add_escalation_event(t.db, open, "night", at(51)));
    CHECK(add_escalation_event(t.db, open, "day", at(52)));
    CHECK_FALSE(add_escalation_event(t.db, id, "night", at(53))); // cleared
    auto left = alerts_to_escalate(t.db, "night", at(100), 10);   // the security alert is still open
    REQUIRE(left.size() == 1);
    CHECK(left[0].kind == "security_event");
    CHECK(alerts_to_escalate(t.db, "other", at(39), 10).empty()); // raised after the cut-off
    CHECK(alerts_to_escalate(t.db, "other", at(40), 10).size() == 1);
}

TEST_CASE("Notification store: the cursor is stored and an inbox message is read by its owner only",
          "[store][notifications]")
{
    MigratedDb t;
    CHECK_FALSE(notification_cursor(t.db, "dispatcher"));
    set_notification_cursor(t.db, "dispatcher", 7);
    set_notification_cursor(t.db, "dispatcher", 9);
    CHECK(notification_cursor(t.db, "dispatcher") == 9);

    auto olga = create_operator(t.db, "olga", "technical", std::nullopt, at(0));
    auto carl = create_operator(t.db, "carl", "technical", std::nullopt, at(0));
    auto alert =
        raise_alert(t.db, AlertKey{"hot", std::string("CP1"), 1}, "threshold", AlertSeverity::warning, "x", at(1))
            .first;
    auto event = alert_events_after(t.db, 0, 1)[0].event_id;
    NewDelivery row{event, alert, "inbox", "inbox", "olga", olga, DeliveryStatus::sent, std::nullopt, std::nullopt};
    CHECK(insert_delivery(t.db, row, at(2)));
    CHECK_FALSE(insert_delivery(t.db, row, at(3))); // the same (event, channel, recipient) once
    auto message = list_inbox(t.db, olga, false, std::nullopt, 10).at(0).message_id;
    CHECK(list_inbox(t.db, carl, false, std::nullopt, 10).empty());
    CHECK(mark_inbox_read(t.db, carl, message, at(4)) == ReadResult::not_found);
    CHECK(mark_inbox_read(t.db, olga, message, at(4)) == ReadResult::marked);
    CHECK(mark_inbox_read(t.db, olga, message, at(5)) == ReadResult::already_read);
    CHECK(list_inbox(t.db, olga, true, std::nullopt, 10).empty());
    CHECK(list_inbox(t.db, olga, false, std::nullopt, 10).at(0).read_at == "2026-01-01T00:00:04.000Z");
}

TEST_CASE("Operator store: contact details are checked before they are kept", "[store][operators]")
{
    MigratedDb t;
    create_operator(t.db, "tess", "technical", std::nullopt, at(0));
    CHECK(set_operator_contact(t.db, "tess", OperatorContact{"tess@example.com", "+8613800000001"}));
    CHECK(find_operator(t.db, "tess")->email == "tess@example.com");
    CHECK(find_operator(t.db, "tess")->mobile == "+8613800000001");
    CHECK_FALSE(set_operator_contact(t.db, "nobody", OperatorContact{"a@b.c", std::nullopt}));
    for (const char* bad : {"tess", "@example.com", "tess@", "a@b@c", "tess @example.com", "t\r\nRCPT@x.y"}) {
        CHECK_THROWS_AS(set_operator_contact(t.db, "tess", OperatorContact{bad, std::nullopt}), OperatorError);
    }
    for (const char* bad : {"8613800000001", "+86 138", "+12", "+861380000000100000000"}) {
        CHECK_THROWS_AS(set_operator_contact(t.db, "tess", OperatorContact{std::nullopt, bad}), OperatorError);
    }
    OperatorContact clear;
    clear.clear_mobile = true;
    CHECK(set_operator_contact(t.db, "tess", clear));
    CHECK(find_operator(t.db, "tess")->email == "tess@example.com"); // kept
    CHECK_FALSE(find_operator(t.db, "tess")->mobile);
}
