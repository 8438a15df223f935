// Each rule kind, driven through the engine over a real database: it opens
// its alert when the condition holds and clears it when it stops.
#include "engine_fixture.hpp"

#include <catch2/catch.hpp>

using namespace csms;
using namespace std::chrono_literals;

TEST_CASE("Engine kinds: a set with one hot phase meets a rule without a phase", "[rules][engine]")
{
    test::EngineFixture f;
    auto engine = f.engine("[[rule]]\nname = \"amps\"\nkind = \"threshold\"\nmeasurand = \"Current.Import\"\n"
                           "above = 32\nfor_s = 10\n");
    for (int t : {0, 10}) {
        f.sample(t, "Current.Import", 40, "L1"); // L1 hot, L2 and L3 fine: the set is hot
        f.sample(t, "Current.Import", 10, "L2");
        f.sample(t, "Current.Import", 10, "L3");
    }
    engine.poll_once();
    CHECK(f.alert_states() == "open;");
    CHECK(f.newest_alert_message() == "Current.Import L1 = 40");
}

TEST_CASE("Engine kinds: relative to the offered current of the same sample set", "[rules][engine]")
{
    test::EngineFixture f;
    auto engine = f.engine("[[rule]]\nname = \"over\"\nkind = \"relative\"\nmeasurand = \"Current.Import\"\n"
                           "percent = 110\nrelative_to = \"Current.Offered\"\nclear_after_s = 0\n");
    f.sample(0, "Current.Import", 34, "L1");
    f.sample(0, "Current.Offered", 32); // after the import in the set: still compared with it
    engine.poll_once();
    CHECK(f.alert_states().empty());     // 34 A is under 35.2 A
    f.sample(10, "Current.Offered", 16); // the car was told to draw less, and did not
    f.sample(10, "Current.Import", 30, "L1");
    engine.poll_once();
    CHECK(f.alert_states() == "open;");
    f.sample(20, "Current.Offered", 16);
    f.sample(20, "Current.Import", 16, "L1");
    engine.poll_once();
    CHECK(f.alert_states() == "cleared;");
}

TEST_CASE("Engine kinds: relative to the rated current recorded for the charger", "[rules][engine]")
{
    test::EngineFixture f;
    auto engine = f.engine("[[rule]]\nname = \"over\"\nkind = \"relative\"\nmeasurand = \"Current.Import\"\n"
                           "percent = 110\nrelative_to = \"rated_current\"\n");
    f.sample(0, "Current.Import", 40, "L1");
    engine.poll_once();
    CHECK(f.alert_states().empty()); // no rating recorded: the rule cannot judge
    f.exec("UPDATE chargers SET rated_current_a = 32 WHERE charger_id = 'CP-1'");
    f.sample(10, "Current.Import", 40, "L1");
    engine.poll_once();
    CHECK(f.alert_states() == "open;");
}

TEST_CASE("Engine kinds: a meter register going backwards even across a restart", "[rules][engine]")
{
    test::EngineFixture f;
    const char* rule = "[[rule]]\nname = \"meter\"\nkind = \"meter_anomaly\"\nmax_jump_wh = 50000\n"
                       "clear_after_s = 3600\n";
    {
        auto engine = f.engine(rule);
        f.sample(0, "Energy.Active.Import.Register", 1000);
        f.sample(60, "Energy.Active.Import.Register", 2000);
        f.sample(60, "Energy.Active.Import.Register", 2000, "L1"); // a phase register is another meter
        engine.poll_once();
        CHECK(f.alert_states().empty());
    }
    auto engine = f.engine(rule); // the previous reading comes from the store
    f.sample(120, "Energy.Active.Import.Register", 1500);
    engine.poll_once();
    CHECK(f.alert_states() == "open;");
    CHECK(f.newest_alert_message() == "Energy.Active.Import.Register went from 2000 to 1500 Wh");
    f.sample(180, "Energy.Active.Import.Register", 1600);
    f.sample(4000, "Energy.Active.Import.Register", 1700); // behaved for over an hour
    engine.poll_once();
    CHECK(f.alert_states() == "cleared;");
    f.sample(4060, "Energy.Active.Import.Register", 90000); // a jump of 88 kWh in a minute
    engine.poll_once();
    CHECK(f.alert_states() == "cleared;open;");
}

TEST_CASE("Engine kinds: offline after the heartbeat multiple and back on the next heartbeat", "[rules][engine]")
{
    test::EngineFixture f;
    f.exec("UPDATE chargers SET last_heartbeat = '" + f.now() + "' WHERE charger_id = 'CP-1'");
    auto engine = f.engine("[[rule]]\nname = \"gone\"\nkind = \"offline\"\nheartbeat_multiple = 3\n",
                           rules::Engine::Options{.scan_interval = 1s, .heartbeat_interval = 60s});
    engine.poll_once();
    f.clock.advance(180s);
    engine.poll_once();
    CHECK(f.alert_states().empty()); // exactly three intervals
    f.clock.advance(2s);
    engine.poll_once();
    CHECK(f.alert_states() == "open;");
    CHECK(f.newest_alert_message() == "nothing heard for 182 s (heartbeat interval 60 s)");
    f.exec("UPDATE chargers SET last_heartbeat = '" + f.now() + "' WHERE charger_id = 'CP-1'");
    f.clock.advance(2s);
    engine.poll_once();
    CHECK(f.alert_states() == "cleared;");
}

TEST_CASE("Engine kinds: silence before the engine started does not count", "[rules][engine]")
{
    test::EngineFixture f;
    f.exec("UPDATE chargers SET last_heartbeat = '2025-01-01T00:00:00.000Z' WHERE charger_id = 'CP-1'");
    auto engine = f.engine("[[rule]]\nname = \"gone\"\nkind = \"offline\"\n",
                           rules::Engine::Options{.scan_interval = 1s, .heartbeat_interval = 60s});
    engine.poll_once();
    CHECK(f.alert_states().empty()); // csmsd was down, not the charger: it gets three intervals to come back
    f.clock.advance(181s);
    engine.poll_once();
    CHECK(f.alert_states() == "open;");
}

TEST_CASE("Engine kinds: a Charging connector without meter values is stuck until it stops", "[rules][engine]")
{
    test::EngineFixture f;
    auto start = f.now();
    f.exec("INSERT INTO connector_status (charger_id, connector_id, status, error_code, received_at) "
           "VALUES ('CP-1', 1, 'Charging', 'NoError', '" +
           start + "')");
    f.exec("INSERT INTO transactions (transaction_id, charger_id, connector_id, id_tag, meter_start_wh, "
           "start_timestamp, auth_status, start_received_at) VALUES (7, 'CP-1', 1, 'TAG', 0, '" +
           start + "', 'Accepted', '" + start + "')");
    f.exec("INSERT INTO charger_configuration (charger_id, key, value, readonly, reported_at) "
           "VALUES ('CP-1', 'MeterValueSampleInterval', '30', 0, '" +
           start + "')");
    auto engine = f.engine("[[rule]]\nname = \"stuck\"\nkind = \"stuck_transaction\"\nsample_multiple = 4\n",
                           rules::Engine::Options{.scan_interval = 1s});
    f.clock.advance(121s);
    engine.poll_once();
    CHECK(f.alert_states() == "open;");
    CHECK(f.newest_alert_message() == "transaction 7 Charging with no MeterValues for 121 s (sample interval 30 s)");
    f.exec("UPDATE transactions SET stop_received_at = '" + f.now() + "', stop_timestamp = '" + f.now() +
           "', meter_stop_wh = 0 WHERE transaction_id = 7");
    f.clock.advance(1s);
    engine.poll_once();
    CHECK(f.alert_states() == "cleared;");
}

TEST_CASE("Engine kinds: flapping opens on too many connections and clears when the window passes", "[rules][engine]")
{
    test::EngineFixture f;
    auto engine = f.engine("[[rule]]\nname = \"flap\"\nkind = \"flapping\"\nmax_reconnects = 3\nwindow_s = 600\n",
                           rules::Engine::Options{.scan_interval = 1s});
    for (int i = 0; i < 4; ++i) {
        f.exec("INSERT INTO connection_events (charger_id, event, at) VALUES ('CP-1', 'connected', '" + f.now() +
               "'), ('CP-1', 'disconnected', '" + f.now() + "')");
        f.clock.advance(10s);
        engine.poll_once();
    }
    CHECK(f.alert_states() == "open;");
    CHECK(f.newest_alert_message() == "4 connections in the last 600 s");
    f.clock.advance(600s);
    engine.poll_once();
    CHECK(f.alert_states() == "cleared;");
}

TEST_CASE("Engine kinds: a critical security event opens one alert and quiet clears it", "[rules][engine]")
{
    test::EngineFixture f;
    auto engine = f.engine("[[rule]]\nname = \"sec\"\nkind = \"security_event\"\nclear_after_s = 3600\n",
                           rules::Engine::Options{.scan_interval = 1s});
    for (int i = 0; i < 3; ++i) {
        f.exec("INSERT INTO security_events (charger_id, type, critical, source, received_at) "
               "VALUES ('CP-1', 'TamperDetectionActivated', 1, 'charger', '" +
               f.now() + "'), ('CP-1', 'SettingSystemTime', 0, 'charger', '" + f.now() + "')");
        f.clock.advance(60s);
        engine.poll_once();
    }
    CHECK(f.alert_states() == "open;");
    CHECK(f.newest_alert_message() == "security event TamperDetectionActivated");
    f.clock.advance(3601s);
    engine.poll_once();
    CHECK(f.alert_states() == "cleared;");
}

TEST_CASE("Engine kinds: degraded when the last sessions deliver too little of the rated power", "[rules][engine]")
{
    test::EngineFixture f;
    f.exec("UPDATE chargers SET rated_power_w = 22000 WHERE charger_id = 'CP-1'");
    auto engine = f.engine("[[rule]]\nname = \"weak\"\nkind = \"degraded\"\nmin_percent_of_rated = 40\n"
                           "last_sessions = 2\n",
                           rules::Engine::Options{.scan_interval = 1s});
    auto session = [&](int id, int hour, int wh) {
        auto at = [&](int h) {
            return "'2026-01-0" + std::to_string(1 + h / 24) + "T" + (h % 24 < 10 ? "0" : "") + std::to_string(h % 24) +
                   ":00:00.000Z'";
        };
        f.exec("INSERT INTO transactions (transaction_id, charger_id, connector_id, id_tag, meter_start_wh, "
               "start_timestamp, auth_status, start_received_at, meter_stop_wh, stop_timestamp, stop_received_at) "
               "VALUES (" +
               std::to_string(id) + ", 'CP-1', 1, 'TAG', 0, " + at(hour) + ", 'Accepted', " + at(hour) + ", " +
               std::to_string(wh) + ", " + at(hour + 1) + ", " + at(hour + 1) + ")");
    };
    session(1, 0, 20000); // 20 kW for an hour
    session(2, 2, 8000);  // 8 kW: the average of the last two is 14 kW, 64 %
    engine.poll_once();
    CHECK(f.alert_states().empty());
    session(3, 4, 7000); // the last two average 7.5 kW, 34 %
    f.clock.advance(1s);
    engine.poll_once();
    CHECK(f.alert_states() == "open;");
    CHECK(f.newest_alert_message() == "average power of the last 2 sessions 7500 W, rated 22000 W");
}

TEST_CASE("Engine kinds: rows committed while the engine was stopped are evaluated after a restart", "[rules][engine]")
{
    test::EngineFixture f;
    const char* hot = "[[rule]]\nname = \"hot\"\nkind = \"threshold\"\nmeasurand = \"Temperature\"\nabove = 70\n";
    {
        auto engine = f.engine(hot);
        f.temperature(0, 20);
        engine.poll_once();
    }
    f.writer.flush();
    f.temperature(10, 95); // csmsd's engine was down; the core committed this
    auto engine = f.engine(hot);
    engine.poll_once();
    CHECK(f.alert_states() == "open;");
}

TEST_CASE("Engine kinds: reloaded rules keep the alerts of rules they keep and clear the others", "[rules][engine]")
{
    test::EngineFixture f;
    auto engine =
        f.engine("[[rule]]\nname = \"hot\"\nkind = \"threshold\"\nmeasurand = \"Temperature\"\nabove = 70\n"
                 "[[rule]]\nname = \"cold\"\nkind = \"threshold\"\nmeasurand = \"Temperature\"\nbelow = 80\n");
    f.temperature(0, 75);
    engine.poll_once();
    CHECK(f.alert_states() == "open;open;");
    engine.replace_rules(rules::parse_rules(
        "[[rule]]\nname = \"hot\"\nkind = \"threshold\"\nmeasurand = \"Temperature\"\nabove = 70\n", "new.toml"));
    CHECK(engine.rules()->source == "new.toml");
    f.temperature(10, 76);
    engine.poll_once();
    CHECK(f.alert_states() == "open;cleared;"); // "cold" is gone; "hot" is still the same alert
    f.temperature(20, 60);
    engine.poll_once();
    CHECK(f.alert_states() == "cleared;cleared;");
}
