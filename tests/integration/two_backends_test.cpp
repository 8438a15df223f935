// Issue 8's "done when", with two real csmsd instances: a whole charging
// session through csmsd's proxy is the same on both backends, whether the
// second csmsd is a mirror partner or the charger's primary backend
// (migration). The test compares the two SQLite files.
#include "support/admin_bootstrap.hpp"
#include "support/charger.hpp"
#include "support/csmsd_process.hpp"
#include "support/test_db.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace csms::test;
using namespace std::chrono_literals;

namespace {

// The front csmsd, in dir/front: its partners file gives `partner_table`
// (one [[partner]] whose url is the back csmsd).
std::unique_ptr<CsmsdProcess> front_csmsd(const TempDir& dir, const std::string& partner_table)
{
    std::filesystem::create_directories(dir.file("front"));
    std::ofstream(dir.file("front/partners.toml")) << partner_table;
    std::ofstream(dir.file("front/csmsd.toml"))
        << "[proxy]\npartners = \"" << dir.file("front/partners.toml") << "\"\n";
    CsmsdOptions options;
    options.db_path = dir.file("front/csms.db");
    options.extra_args = {"--config", dir.file("front/csmsd.toml")};
    return std::make_unique<CsmsdProcess>(dir, options);
}

std::int64_t run_session(WsClient& charger);

// The back csmsd, in dir/back, with one session of its own already, so its
// transaction ids and the front's differ.
std::unique_ptr<CsmsdProcess> back_csmsd(const TempDir& dir)
{
    std::filesystem::create_directories(dir.file("back"));
    CsmsdOptions options;
    options.db_path = dir.file("back/csms.db");
    auto back = std::make_unique<CsmsdProcess>(dir, options);
    auto own = accepted_charger(back->ws_port(), "CP-OWN");
    run_session(*own);
    return back;
}

// One session: start at 1000 Wh, three samples, stop at 4600 Wh. Returns
// the transaction id the charger was given.
std::int64_t run_session(WsClient& charger)
{
    REQUIRE(is_call_result(charger.call("StatusNotification", status_payload(1, "Preparing", test_time(0)), 10s)));
    auto started = charger.call("StartTransaction", start_payload(1, "TAG-2B", 1000, test_time(1000)), 10s);
    REQUIRE(is_call_result(started));
    const std::int64_t id = started[2]["transactionId"].GetInt64();
    for (int i = 1; i <= 3; ++i) {
        auto wh = std::to_string(1000 + i * 1200);
        REQUIRE(is_call_result(
            charger.call("MeterValues", meter_values_payload(1, test_time(1000 + i * 60'000), wh, id), 10s)));
    }
    REQUIRE(is_call_result(charger.call("StopTransaction", stop_payload(id, 4600, test_time(300'000)), 10s)));
    return id;
}

// The session as a backend stores it: connector, id tag, start and stop
// meters and times, and the energy samples linked to it, in order.
std::vector<TestDb::Row> session_in(TestDb& db, const std::string& charger_id)
{
    auto rows = db.rows("SELECT t.connector_id, t.id_tag, t.meter_start_wh, t.meter_stop_wh, t.start_timestamp, "
                        "t.stop_timestamp, t.stop_reason FROM transactions t WHERE t.charger_id = ?",
                        {charger_id});
    auto samples = db.rows("SELECT m.value FROM meter_values m JOIN transactions t USING (transaction_id) "
                           "WHERE t.charger_id = ? ORDER BY m.timestamp",
                           {charger_id});
    rows.insert(rows.end(), samples.begin(), samples.end());
    return rows;
}

} // namespace

TEST_CASE("Two csmsd: a whole session mirrored to a partner csmsd is the same on both under each side's own ids")
{
    TempDir dir;
    auto back = back_csmsd(dir);
    auto front =
        front_csmsd(dir, "[[partner]]\nname = \"mirror\"\nurl = \"ws://127.0.0.1:" + std::to_string(back->ws_port()) +
                             "/ocpp\"\nchargers = [\"CP-2B\"]\nforward = \"all\"\n");
    auto charger = accepted_charger(front->ws_port(), "CP-2B");
    const auto id = run_session(*charger);

    TestDb front_db(front->db_path());
    TestDb back_db(back->db_path());
    REQUIRE(wait_until([&] { return front_db.scalar("SELECT count(*) FROM proxy_outbox") == 0; }, 15s));
    REQUIRE(back_db.scalar("SELECT count(*) FROM transactions WHERE charger_id = 'CP-2B'") == 1);
    CHECK(session_in(front_db, "CP-2B") == session_in(back_db, "CP-2B"));
    CHECK(session_in(front_db, "CP-2B").size() == 4); // the session and its three samples

    // Each side numbered the session itself; the front knows the mirror's id.
    const auto theirs = back_db.scalar("SELECT transaction_id FROM transactions WHERE charger_id = 'CP-2B'");
    CHECK(theirs != id);
    CHECK(front_db.scalar("SELECT partner_transaction_id FROM proxy_transaction_ids WHERE transaction_id = ?",
                          {std::to_string(id)}) == theirs);
    CHECK(back_db.scalar("SELECT count(*) FROM unmatched_stops") == 0);
}

TEST_CASE("Two csmsd: a whole session of a migrating charger is the same on its primary csmsd and on csmsd")
{
    TempDir dir;
    auto back = back_csmsd(dir);
    auto front =
        front_csmsd(dir, "[[partner]]\nname = \"primary\"\nurl = \"ws://127.0.0.1:" + std::to_string(back->ws_port()) +
                             "/ocpp\"\nprimary = true\nchargers = [\"CP-2B\"]\n");
    auto charger = accepted_charger(front->ws_port(), "CP-2B");
    const auto id = run_session(*charger);

    TestDb front_db(front->db_path());
    TestDb back_db(back->db_path());
    // The charger holds the primary's id; the front filed it under its own.
    CHECK(back_db.scalar("SELECT transaction_id FROM transactions WHERE charger_id = 'CP-2B'") == id);
    const auto ours = front_db.scalar("SELECT transaction_id FROM transactions WHERE charger_id = 'CP-2B'");
    CHECK(ours != id);
    CHECK(front_db.scalar("SELECT partner_transaction_id FROM proxy_transaction_ids WHERE transaction_id = ?",
                          {std::to_string(ours)}) == id);
    CHECK(session_in(front_db, "CP-2B") == session_in(back_db, "CP-2B"));
    CHECK(session_in(front_db, "CP-2B").size() == 4);
    for (auto* db : {&front_db, &back_db}) {
        CHECK(db->scalar("SELECT count(*) FROM unmatched_stops") == 0);
    }
}
