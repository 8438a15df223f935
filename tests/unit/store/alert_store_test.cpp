#include "store/alert_store.hpp"
#include "store/migrations.hpp"
#include "store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace csms::store;
using csms::store::test::at;
using csms::store::test::MigratedDb;

namespace {

const AlertKey over_temperature{"over_temperature", std::string("CP1"), 1};

std::int64_t raise(Database& db, const AlertKey& key, std::int64_t seconds)
{
    return raise_alert(db, key, "threshold", AlertSeverity::warning, "Temperature above 70 C", at(seconds)).first;
}

} // namespace

TEST_CASE("Alert store: raising the same key twice keeps one alert and refreshes last_seen_at", "[store][alerts]")
{
    MigratedDb t;
    auto [first, opened] =
        raise_alert(t.db, over_temperature, "threshold", AlertSeverity::warning, "Temperature above 70 C", at(1));
    CHECK(opened);
    for (int i = 2; i <= 50; ++i) {
        auto [again, opened_again] =
            raise_alert(t.db, over_temperature, "threshold", AlertSeverity::critical, "changed", at(i));
        CHECK(again == first);
        CHECK_FALSE(opened_again);
    }
    CHECK(t.count("SELECT count(*) FROM alerts") == 1);
    auto alert = find_alert(t.db, first);
    REQUIRE(alert);
    CHECK(alert->state == "open");
    CHECK(alert->rule == std::optional<std::string>("over_temperature"));
    CHECK(alert->charger_id == std::optional<std::string>("CP1"));
    CHECK(alert->connector_id == std::optional<std::int64_t>(1));
    CHECK(alert->severity == "warning"); // as first raised
    CHECK(alert->message == "Temperature above 70 C");
    CHECK(alert->raised_at == "2026-01-01T00:00:01.000Z");
    CHECK(alert->last_seen_at == std::optional<std::string>("2026-01-01T00:00:50.000Z"));

    // Another connector, another charger, the charger as a whole and the
    // system as a whole are other keys.
    CHECK(
        raise_alert(t.db, {"over_temperature", std::string("CP1"), 2}, "threshold", AlertSeverity::warning, "m", at(3))
            .second);
    CHECK(
        raise_alert(t.db, {"over_temperature", std::string("CP2"), 1}, "threshold", AlertSeverity::warning, "m", at(3))
            .second);
    CHECK(raise_alert(t.db, {"over_temperature", std::string("CP1"), std::nullopt}, "threshold", AlertSeverity::warning,
                      "m", at(3))
              .second);
    CHECK(raise_alert(t.db, {"over_temperature", std::nullopt, std::nullopt}, "threshold", AlertSeverity::warning, "m",
                      at(3))
              .second);
    CHECK_FALSE(raise_alert(t.db, {"over_temperature", std::nullopt, std::nullopt}, "threshold", AlertSeverity::warning,
                            "m", at(4))
                    .second);
    CHECK(t.count("SELECT count(*) FROM alerts") == 5);
}

TEST_CASE("Alert store: an acknowledged alert still de-duplicates and clearing it lets a new one open",
          "[store][alerts]")
{
    MigratedDb t;
    auto first = raise(t.db, over_temperature, 1);
    CHECK(acknowledge_alert(t.db, first, "olga", std::string("on my way"), at(2)) == AckResult::acknowledged);
    CHECK(raise(t.db, over_temperature, 3) == first);
    CHECK(find_alert(t.db, first)->state == "acknowledged");

    CHECK(clear_alert(t.db, over_temperature, at(4)));
    CHECK_FALSE(clear_alert(t.db, over_temperature, at(5))); // nothing left to clear
    auto cleared = find_alert(t.db, first);
    REQUIRE(cleared);
    CHECK(cleared->state == "cleared");
    CHECK(cleared->cleared_at == std::optional<std::string>("2026-01-01T00:00:04.000Z"));
    CHECK(cleared->acknowledged_by == std::optional<std::string>("olga")); // history kept

    auto [second, opened] = raise_alert(t.db, over_temperature, "threshold", AlertSeverity::warning, "again", at(6));
    CHECK(opened);
    CHECK(second != first);
    CHECK(find_alert(t.db, second)->state == "open");
    CHECK(t.count("SELECT count(*) FROM alerts") == 2);
    CHECK_FALSE(clear_alert(t.db, {"over_temperature", std::string("CP9"), 1}, at(7)));
}

TEST_CASE("Alert store: acknowledging records who and why and refuses twice cleared and unknown alerts",
          "[store][alerts]")
{
    MigratedDb t;
    auto id = raise(t.db, over_temperature, 1);
    CHECK(acknowledge_alert(t.db, 999, "olga", std::nullopt, at(2)) == AckResult::not_found);
    CHECK(acknowledge_alert(t.db, id, "olga", std::string("technician sent"), at(2)) == AckResult::acknowledged);
    auto alert = find_alert(t.db, id);
    REQUIRE(alert);
    CHECK(alert->state == "acknowledged");
    CHECK(alert->acknowledged_by == std::optional<std::string>("olga"));
    CHECK(alert->acknowledged_at == std::optional<std::string>("2026-01-01T00:00:02.000Z"));
    CHECK(alert->ack_note == std::optional<std::string>("technician sent"));

    CHECK(acknowledge_alert(t.db, id, "tom", std::string("me too"), at(3)) == AckResult::already_acknowledged);
    CHECK(find_alert(t.db, id)->acknowledged_by == std::optional<std::string>("olga"));

    auto other = raise(t.db, {"offline", std::string("CP2"), std::nullopt}, 4);
    CHECK(clear_alert(t.db, {"offline", std::string("CP2"), std::nullopt}, at(5)));
    CHECK(acknowledge_alert(t.db, other, "olga", std::nullopt, at(6)) == AckResult::cleared);
    CHECK_FALSE(find_alert(t.db, other)->acknowledged_at);
    CHECK_FALSE(find_alert(t.db, 12345));
}

TEST_CASE("Alert store: security event alerts keep working beside rule alerts", "[store][alerts]")
{
    MigratedDb t;
    AlertRecord record;
    record.charger_id = "CP1";
    record.kind = "security_event";
    record.severity = AlertSeverity::critical;
    record.message = "TamperDetectionActivated";
    record.raised_at = at(1);
    auto a = insert_alert(t.db, record);
    auto b = insert_alert(t.db, record); // one per event: no rule, no de-duplication
    CHECK(a != b);
    auto alert = find_alert(t.db, a);
    REQUIRE(alert);
    CHECK(alert->state == "open");
    CHECK_FALSE(alert->rule);
    CHECK(acknowledge_alert(t.db, a, "olga", std::nullopt, at(2)) == AckResult::acknowledged);
}

TEST_CASE("Alert store: lists filter by state charger and severity newest first with pagination", "[store][alerts]")
{
    MigratedDb t;
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 6; ++i) {
        auto charger = std::string(i % 2 == 0 ? "CP1" : "CP2");
        auto severity = i < 3 ? AlertSeverity::warning : AlertSeverity::critical;
        ids.push_back(
            raise_alert(t.db, {"rule" + std::to_string(i), charger, 1}, "threshold", severity, "m", at(i)).first);
    }
    acknowledge_alert(t.db, ids[0], "olga", std::nullopt, at(10));
    clear_alert(t.db, {"rule1", std::string("CP2"), 1}, at(11));

    auto all = list_alerts(t.db, AlertFilter{});
    REQUIRE(all.size() == 6);
    CHECK(all.front().id == ids[5]);
    CHECK(all.back().id == ids[0]);

    auto open = list_alerts(t.db, AlertFilter{AlertState::open, std::nullopt, std::nullopt, std::nullopt, 50});
    CHECK(open.size() == 4);
    auto acknowledged =
        list_alerts(t.db, AlertFilter{AlertState::acknowledged, std::nullopt, std::nullopt, std::nullopt, 50});
    REQUIRE(acknowledged.size() == 1);
    CHECK(acknowledged[0].id == ids[0]);
    auto cleared = list_alerts(t.db, AlertFilter{AlertState::cleared, std::nullopt, std::nullopt, std::nullopt, 50});
    REQUIRE(cleared.size() == 1);
    CHECK(cleared[0].id == ids[1]);

    auto cp1 = list_alerts(t.db, AlertFilter{std::nullopt, std::string("CP1"), std::nullopt, std::nullopt, 50});
    CHECK(cp1.size() == 3);
    auto critical_cp2 =
        list_alerts(t.db, AlertFilter{std::nullopt, std::string("CP2"), AlertSeverity::critical, std::nullopt, 50});
    REQUIRE(critical_cp2.size() == 2);
    CHECK(critical_cp2[0].id == ids[5]);
    CHECK(critical_cp2[1].id == ids[3]);

    // Pages of four: the second starts below the last id of the first.
    auto page1 = list_alerts(t.db, AlertFilter{std::nullopt, std::nullopt, std::nullopt, std::nullopt, 4});
    REQUIRE(page1.size() == 4);
    auto page2 = list_alerts(t.db, AlertFilter{std::nullopt, std::nullopt, std::nullopt, page1.back().id, 4});
    REQUIRE(page2.size() == 2);
    CHECK(page2[0].id == ids[1]);
    CHECK(page2[1].id == ids[0]);
}

TEST_CASE("Alert store: migration 0005 turns an acknowledged alert into state acknowledged", "[store][alerts]")
{
    csms::test::TempDir dir;
    Database db(dir.file("old.db"));
    migrate(db, known_migrations().first(4));
    REQUIRE(schema_version(db) == 4);
    db.exec("INSERT INTO alerts (charger_id, kind, severity, message, raised_at, acknowledged_at, acknowledged_by) "
            "VALUES ('CP1', 'security_event', 'critical', 'old', '2026-01-01T00:00:00.000Z', "
            "'2026-01-01T00:01:00.000Z', 'olga')");
    db.exec("INSERT INTO alerts (charger_id, kind, severity, message, raised_at) "
            "VALUES ('CP1', 'security_event', 'critical', 'new', '2026-01-01T00:02:00.000Z')");
    migrate(db);
    CHECK(schema_version(db) >= 5);
    auto old_alert = find_alert(db, 1);
    REQUIRE(old_alert);
    CHECK(old_alert->state == "acknowledged");
    CHECK(old_alert->acknowledged_by == std::optional<std::string>("olga"));
    CHECK_FALSE(old_alert->rule);
    auto new_alert = find_alert(db, 2);
    REQUIRE(new_alert);
    CHECK(new_alert->state == "open");
}

TEST_CASE("Alert store: the database refuses a second active alert for a key", "[store][alerts]")
{
    MigratedDb t;
    raise(t.db, over_temperature, 1);
    CHECK_THROWS(t.db.exec("INSERT INTO alerts (rule, charger_id, connector_id, kind, severity, message, raised_at) "
                           "VALUES ('over_temperature', 'CP1', 1, 'threshold', 'warning', 'm', "
                           "'2026-01-01T00:00:09.000Z')"));
    CHECK_THROWS(t.db.exec("UPDATE alerts SET state = 'bogus'"));
}

TEST_CASE("Alert store: an alert carries its charger's region as recorded now", "[store][alerts]")
{
    MigratedDb t;
    t.db.exec("INSERT INTO chargers (charger_id, registration) VALUES ('CP-1', 'Accepted')");
    auto id = raise(t.db, AlertKey{"hot", std::string("CP-1"), 1}, 1);
    CHECK_FALSE(find_alert(t.db, id)->region.has_value());
    t.db.exec("UPDATE chargers SET region = 'Shenzhen' WHERE charger_id = 'CP-1'");
    CHECK(find_alert(t.db, id)->region == "Shenzhen");
    CHECK(list_alerts(t.db, AlertFilter{})[0].region == "Shenzhen");
}

TEST_CASE("Alert store: closing by hand clears an open or acknowledged alert with who and why, once", "[store][alerts]")
{
    MigratedDb t;
    auto open = raise(t.db, over_temperature, 1);
    auto acknowledged = raise(t.db, {"offline", std::string("CP2"), std::nullopt}, 2);
    REQUIRE(acknowledge_alert(t.db, acknowledged, "olga", std::nullopt, at(3)) == AckResult::acknowledged);
    auto events_before = t.count("SELECT count(*) FROM alert_events WHERE event = 'cleared'");

    CHECK(close_alert(t.db, open, "olga", "charger CP1 removed from site", at(4)) == CloseResult::closed);
    CHECK(close_alert(t.db, acknowledged, "tom", "decommissioned", at(5)) == CloseResult::closed);
    auto closed = find_alert(t.db, open);
    REQUIRE(closed);
    CHECK(closed->state == "cleared");
    CHECK(closed->cleared_at == std::optional<std::string>("2026-01-01T00:00:04.000Z"));
    CHECK(closed->cleared_by == std::optional<std::string>("olga"));
    CHECK(closed->clear_reason == std::optional<std::string>("charger CP1 removed from site"));
    CHECK(find_alert(t.db, acknowledged)->acknowledged_by == std::optional<std::string>("olga"));
    // Watchers and notifications hear of it like any clearing.
    CHECK(t.count("SELECT count(*) FROM alert_events WHERE event = 'cleared'") == events_before + 2);

    CHECK(close_alert(t.db, open, "tom", "again", at(6)) == CloseResult::already_cleared);
    CHECK(find_alert(t.db, open)->cleared_by == std::optional<std::string>("olga"));
    CHECK(close_alert(t.db, 999, "tom", "none", at(6)) == CloseResult::not_found);
    // The key is free again: the rule may raise a new alert.
    CHECK(raise(t.db, over_temperature, 7) != open);

    // Cleared by its condition, an alert names nobody.
    auto by_rule = raise(t.db, {"hot", std::string("CP3"), std::nullopt}, 8);
    REQUIRE(clear_alert(t.db, {"hot", std::string("CP3"), std::nullopt}, at(9)));
    CHECK_FALSE(find_alert(t.db, by_rule)->cleared_by);
}
