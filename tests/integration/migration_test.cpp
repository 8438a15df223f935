// Migration mode: a charger moved to csmsd whose primary backend is still
// the previous CSMS (a partner backend from tests/support stands in for
// it). The charger gets the primary's answers and ids, csmsd records the
// whole session under its own ids, and a mirror partner still sees it with
// its own. A primary that is down or refuses costs the charger an error,
// never csmsd's record.
#include "support/admin_bootstrap.hpp"
#include "support/charger.hpp"
#include "support/csmsctl_run.hpp"
#include "support/csmsd_process.hpp"
#include "support/partner_backend.hpp"
#include "support/tcp_test_server.hpp"
#include "support/test_db.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <future>

using namespace csms::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* primary_clock = "2026-01-01T00:00:00Z"; // every partner backend's currentTime

// The primary "legacy" for these chargers; its answer timeout stays at its
// default (10 s) unless `extra` sets one for a test that waits for it.
std::string primary_table(std::uint16_t legacy_port, const std::string& chargers, const std::string& extra = "")
{
    return "[[partner]]\nname = \"legacy\"\nurl = \"ws://127.0.0.1:" + std::to_string(legacy_port) +
           "/ocpp\"\nprimary = true\nchargers = [" + chargers + "]\n" + extra;
}

// csmsd (unknown chargers rejected, unknown id tags refused: only the
// primary can let CP-M1 and its driver in) whose chargers have primary
// "legacy" at legacy_port, and CP-M1 mirror partner "fleet" at fleet_port
// (0: none).
std::unique_ptr<CsmsdProcess> csmsd_migrating(const TempDir& dir, std::uint16_t legacy_port,
                                              std::uint16_t fleet_port = 0, const std::string& chargers = "\"CP-M1\"",
                                              const std::string& primary_extra = "")
{
    if (!std::filesystem::exists(dir.file("token"))) {
        bootstrap_admin(dir, dir.file("csms.db"), dir.file("token"));
    }
    std::ofstream partners(dir.file("partners.toml"));
    partners << primary_table(legacy_port, chargers, primary_extra);
    if (fleet_port != 0) {
        partners << "[[partner]]\nname = \"fleet\"\nurl = \"ws://127.0.0.1:" << fleet_port
                 << "/ocpp\"\nchargers = [\"CP-M1\"]\nforward = [\"StartTransaction\", \"MeterValues\", "
                    "\"StopTransaction\"]\naccept = [\"RemoteStopTransaction\"]\n";
    }
    partners.close();
    std::ofstream(dir.file("csmsd.toml")) << "[proxy]\npartners = \"" << dir.file("partners.toml")
                                          << "\"\n[security]\nallow_profile_0 = true\n[policy]\n"
                                             "unknown_chargers = \"reject\"\naccept_unknown_id_tags = false\n";
    CsmsdOptions options;
    options.dev = false;
    options.extra_args = {"--config", dir.file("csmsd.toml")};
    return std::make_unique<CsmsdProcess>(dir, options);
}

std::string id_tag_status(const rapidjson::Document& reply)
{
    return result_string(reply, "idTagInfo/status");
}

std::string error_description(const rapidjson::Document& frame)
{
    return is_call_error(frame) && frame[3].IsString() ? frame[3].GetString() : "";
}

} // namespace

TEST_CASE("A migrating charger gets its primary's answers while csmsd records the session and a mirror sees its ids")
{
    TempDir dir;
    PartnerBackend legacy(0, 9001);
    PartnerBackend fleet(0, 5001);
    legacy.answer_authorize("LEGACY-7", "Accepted");
    legacy.answer_authorize("LEGACY-8", "Blocked");
    auto csmsd = csmsd_migrating(dir, legacy.port(), fleet.port());
    auto charger = connect_charger(csmsd->ws_port(), "CP-M1");

    // csmsd rejects unknown chargers; the primary accepts this one, and its
    // answer (its clock) is what the charger gets.
    auto booted = charger->call("BootNotification", boot_payload("Legacy-Vendor"), 10s);
    REQUIRE(is_call_result(booted));
    CHECK(result_string(booted, "status") == "Accepted");
    CHECK(result_string(booted, "currentTime") == primary_clock);

    // Id tags csmsd does not know: the primary decides.
    CHECK(id_tag_status(charger->call("Authorize", JsonObject().set("idTag", "LEGACY-7").str(), 10s)) == "Accepted");
    CHECK(id_tag_status(charger->call("Authorize", JsonObject().set("idTag", "LEGACY-8").str(), 10s)) == "Blocked");

    // The charger's transaction id is the primary's.
    auto started = charger->call("StartTransaction", start_payload(1, "LEGACY-7", 1000, test_time(2000)), 10s);
    REQUIRE(is_call_result(started));
    CHECK(started[2]["transactionId"].GetInt64() == 9001);
    CHECK(id_tag_status(started) == "Accepted");
    REQUIRE(is_call_result(
        charger->call("MeterValues", meter_values_payload(1, test_time(3000), "1500", std::int64_t{9001}), 10s)));

    // The primary stops the session with its own id; the charger knows it.
    auto remote_stop = std::async(
        std::launch::async, [&] { return legacy.call("CP-M1", "RemoteStopTransaction", R"({"transactionId":9001})"); });
    auto call = next_call(*charger);
    CHECK(std::string(call[2].GetString()) == "RemoteStopTransaction");
    CHECK(call[3]["transactionId"].GetInt64() == 9001);
    answer_call(*charger, call, R"({"status":"Accepted"})");
    auto stop_answer = remote_stop.get();
    REQUIRE(stop_answer);
    CHECK(stop_answer->find(R"({"status":"Accepted"})") != std::string::npos);

    // The mirror stops it by its own id, which the charger knows as 9001.
    TestDb db(csmsd->db_path());
    REQUIRE(
        wait_until([&] { return db.scalar("SELECT count(*) FROM proxy_transaction_ids WHERE partner = 'fleet'") == 1; },
                   10s)); // its 5001 is stored
    auto mirror_stop = std::async(
        std::launch::async, [&] { return fleet.call("CP-M1", "RemoteStopTransaction", R"({"transactionId":5001})"); });
    call = next_call(*charger);
    CHECK(call[3]["transactionId"].GetInt64() == 9001);
    answer_call(*charger, call, R"({"status":"Accepted"})");
    REQUIRE(mirror_stop.get());

    // An operator stops it by csmsd's own id; the charger gets the primary's.
    const auto ours = db.scalar("SELECT transaction_id FROM transactions WHERE charger_id = 'CP-M1'");
    const auto ours_text = std::to_string(ours);
    CHECK(ours != 9001);
    auto operator_stop = std::async(std::launch::async, [&] {
        return run_csmsctl(dir, csmsd->admin_port(), dir.file("token"),
                           {"charger", "remote-stop", "CP-M1", "--transaction", ours_text});
    });
    call = next_call(*charger);
    CHECK(call[3]["transactionId"].GetInt64() == 9001);
    answer_call(*charger, call, R"({"status":"Accepted"})");
    CHECK(operator_stop.get().status.success());

    auto stopped = charger->call("StopTransaction", stop_payload(9001, 4000, test_time(4000)), 10s);
    REQUIRE(is_call_result(stopped));

    // A reservation the primary makes is one csmsd tracks too.
    auto reserve = std::async(std::launch::async, [&] {
        return legacy.call(
            "CP-M1", "ReserveNow",
            R"({"connectorId":1,"expiryDate":"2031-01-01T00:00:00Z","idTag":"LEGACY-7","reservationId":41})");
    });
    call = next_call(*charger);
    CHECK(std::string(call[2].GetString()) == "ReserveNow");
    answer_call(*charger, call, R"({"status":"Accepted"})");
    REQUIRE(reserve.get());
    CHECK(wait_until(
        [&] {
            return db.rows(
                       "SELECT state, id_tag FROM reservations WHERE charger_id = 'CP-M1' AND reservation_id = 41") ==
                   std::vector<TestDb::Row>{{"active", "LEGACY-7"}};
        },
        5s));
    // The charger's password for csmsd is csmsd's alone to set.
    auto password = legacy.call("CP-M1", "ChangeConfiguration",
                                R"({"key":"authorizationkey","value":"0123456789abcdef-legacy-secret"})");
    REQUIRE(password);
    CHECK(password->find("SecurityError") != std::string::npos);
    // Credentials in a url the primary sends are not kept in clear.
    auto firmware = std::async(std::launch::async, [&] {
        return legacy.call(
            "CP-M1", "UpdateFirmware",
            R"({"location":"ftp://legacy:fw-secret@fw.example/a.bin","retrieveDate":"2031-01-01T00:00:00Z"})");
    });
    call = next_call(*charger);
    CHECK(std::string(call[2].GetString()) == "UpdateFirmware"); // and not the ChangeConfiguration
    CHECK(std::string(call[3]["location"].GetString()) == "ftp://legacy:fw-secret@fw.example/a.bin");
    answer_call(*charger, call, "{}");
    REQUIRE(firmware.get());
    CHECK(wait_until(
        [&] { return db.scalar("SELECT count(*) FROM commands WHERE operator_name = 'partner:legacy'") == 3; },
        5s)); // RemoteStop, ReserveNow, UpdateFirmware
    CHECK(db.scalar("SELECT count(*) FROM commands WHERE request LIKE '%fw-secret%'") == 0);

    // The primary got every message as the charger sent it.
    auto calls = legacy.received();
    CHECK(actions_of(calls) == std::vector<std::string>{"BootNotification", "Authorize", "Authorize",
                                                        "StartTransaction", "MeterValues", "StopTransaction"});
    CHECK(transaction_id_of(calls[4].payload) == 9001);
    CHECK(transaction_id_of(calls[5].payload) == 9001);

    // csmsd has the session under its own id, with the primary's decisions.
    CHECK(db.scalar("SELECT partner_transaction_id FROM proxy_transaction_ids WHERE partner = 'legacy' AND "
                    "transaction_id = ?",
                    {ours_text}) == 9001);
    CHECK(db.rows("SELECT auth_status, meter_stop_wh FROM transactions WHERE transaction_id = ?", {ours_text}) ==
          std::vector<TestDb::Row>{{"Accepted", "4000"}});
    CHECK(db.scalar("SELECT count(*) FROM meter_values WHERE transaction_id = ?", {ours_text}) == 1);
    CHECK(db.rows("SELECT vendor, registration FROM chargers WHERE charger_id = 'CP-M1'") ==
          std::vector<TestDb::Row>{{"Legacy-Vendor", "Accepted"}});

    // The mirror partner sees the same session under its own id.
    REQUIRE(wait_until([&] { return fleet.received().size() >= 3; }, 10s));
    auto mirrored = fleet.received();
    CHECK(actions_of(mirrored) == std::vector<std::string>{"StartTransaction", "MeterValues", "StopTransaction"});
    CHECK(transaction_id_of(mirrored[1].payload) == 5001);
    CHECK(transaction_id_of(mirrored[2].payload) == 5001);

    // The operator sees the primary's link and what went through it.
    auto show = run_csmsctl(dir, csmsd->admin_port(), dir.file("token"), {"--json", "partners", "show", "legacy"});
    REQUIRE(show.status.success());
    rapidjson::Document legacy_link;
    legacy_link.Parse(show.out.c_str());
    REQUIRE(legacy_link.IsObject());
    CHECK(wait_until(
        [&] {
            auto again =
                run_csmsctl(dir, csmsd->admin_port(), dir.file("token"), {"--json", "partners", "show", "legacy"});
            return again.out.find("\"forwarded\":6") != std::string::npos;
        },
        5s));
    CHECK(std::string(legacy_link["links"][0]["state"].GetString()) == "connected");
    CHECK(legacy_link["primary"].GetBool());
    auto table = run_csmsctl(dir, csmsd->admin_port(), dir.file("token"), {"partners", "list"});
    REQUIRE(table.status.success());
    CHECK_THAT(table.out,
               Catch::Contains("ROLE") && Catch::Contains("legacy  primary") && Catch::Contains("fleet   partner"));
}

TEST_CASE("A migrating charger gets its primary's CALLERROR as it is and InternalError for an answer that is not OCPP")
{
    TempDir dir;
    PartnerBackend legacy(0, 9001);
    legacy.refuse("StatusNotification", "SecurityError", "unknown station");
    auto csmsd = csmsd_migrating(dir, legacy.port());
    auto charger = accepted_charger(csmsd->ws_port(), "CP-M1");

    auto status = charger->call("StatusNotification", status_payload(1, "Faulted", test_time(1000)), 10s);
    REQUIRE(is_call_error(status));
    CHECK(error_code(status) == "SecurityError");
    CHECK(error_description(status) == "unknown station");
    // The charger reported it, so csmsd keeps it: an alert may depend on it.
    TestDb db(csmsd->db_path());
    CHECK(db.scalar("SELECT count(*) FROM status_history WHERE charger_id = 'CP-M1' AND status = 'Faulted'") == 1);

    // The backend answers a DataTransfer with {}, which lacks its status.
    auto transfer = charger->call("DataTransfer", R"({"vendorId":"legacy"})", 10s);
    REQUIRE(is_call_error(transfer));
    CHECK(error_code(transfer) == "InternalError");
}

TEST_CASE(
    "A migrating charger whose primary is down gets a GenericError for what csmsd records and its retry is one session")
{
    TempDir dir;
    std::uint16_t port = 0;
    std::unique_ptr<CsmsdProcess> csmsd;
    do { // a port that csmsd did not take for itself
        port = free_loopback_port();
        csmsd = csmsd_migrating(dir, port, 0, "\"CP-M1\"", "call_timeout_s = 3\n");
    } while (csmsd->ws_port() == port || csmsd->admin_port() == port);
    auto charger = connect_charger(csmsd->ws_port(), "CP-M1");

    auto booted = charger->call("BootNotification", boot_payload("Legacy-Vendor"), 10s);
    REQUIRE(is_call_error(booted));
    CHECK(error_code(booted) == "GenericError");
    CHECK(error_description(booted).find("the primary backend 'legacy' did not answer") != std::string::npos);
    TestDb db(csmsd->db_path());
    CHECK(db.scalar("SELECT count(*) FROM chargers WHERE charger_id = 'CP-M1' AND vendor = 'Legacy-Vendor'") == 1);

    // The primary comes up: after its back-off the link reaches it, and the
    // charger's boot is answered by it.
    auto legacy = std::make_unique<PartnerBackend>(port, 9001);
    auto answered = [&](const std::string& action, const std::string& payload) {
        rapidjson::Document reply;
        bool ok = wait_until(
            [&] {
                reply = charger->call(action, payload, 10s);
                return is_call_result(reply);
            },
            30s);
        return ok ? std::move(reply) : rapidjson::Document();
    };
    auto again = answered("BootNotification", boot_payload("Legacy-Vendor"));
    CHECK(result_string(again, "currentTime") == primary_clock);
    CHECK(db.rows("SELECT registration FROM chargers WHERE charger_id = 'CP-M1'") ==
          std::vector<TestDb::Row>{{"Accepted"}});

    // It goes down while a driver starts: the charger gets an error, csmsd
    // keeps the start (with its own decision: it does not know the tag).
    legacy.reset();
    const auto start = start_payload(1, "LEGACY-7", 1000, test_time(2000));
    auto refused = charger->call("StartTransaction", start, 10s);
    REQUIRE(is_call_error(refused));
    CHECK(db.rows("SELECT auth_status FROM transactions WHERE charger_id = 'CP-M1'") ==
          std::vector<TestDb::Row>{{"Invalid"}});

    // Back again: the charger's retry of the same start is the same session,
    // now with the primary's id and decision.
    legacy = std::make_unique<PartnerBackend>(port, 9001);
    auto started = answered("StartTransaction", start);
    REQUIRE(is_call_result(started));
    CHECK(started[2]["transactionId"].GetInt64() == 9001);
    CHECK(db.rows("SELECT t.auth_status, p.partner_transaction_id FROM transactions t JOIN proxy_transaction_ids p "
                  "USING (transaction_id) WHERE t.charger_id = 'CP-M1'") ==
          std::vector<TestDb::Row>{{"Accepted", "9001"}});
}

TEST_CASE("A charger taken off its primary by a partners reload is answered by csmsd and the others stay relayed")
{
    TempDir dir;
    PartnerBackend legacy(0, 9001);
    auto csmsd = csmsd_migrating(dir, legacy.port(), 0, "\"CP-M1\", \"CP-M2\"");
    auto moving = accepted_charger(csmsd->ws_port(), "CP-M1");
    auto staying = accepted_charger(csmsd->ws_port(), "CP-M2");
    CHECK(result_string(moving->call("Heartbeat", "{}", 10s), "currentTime") == primary_clock);
    REQUIRE(legacy.authorizations().size() == 2); // one link per charger

    std::ofstream(dir.file("partners.toml")) << primary_table(legacy.port(), "\"CP-M2\"");
    auto reload = run_csmsctl(dir, csmsd->admin_port(), dir.file("token"), {"partners", "reload"});
    REQUIRE(reload.status.success());

    auto after = moving->call("Heartbeat", "{}", 10s);
    REQUIRE(is_call_result(after));
    CHECK(result_string(after, "currentTime") != primary_clock);
    CHECK(result_string(staying->call("Heartbeat", "{}", 10s), "currentTime") == primary_clock);
    // CP-M1's link closed; CP-M2's went on without reconnecting.
    CHECK(wait_until([&] { return !legacy.connected("CP-M1"); }, 10s));
    CHECK(legacy.connected("CP-M2"));
    CHECK(legacy.authorizations().size() == 2);
    CHECK_FALSE(moving->is_closed());
}

TEST_CASE("A migrating charger csmsd has never seen is accepted from its first CALL when its primary answers it")
{
    TempDir dir;
    PartnerBackend legacy(0, 9001);
    auto csmsd = csmsd_migrating(dir, legacy.port()); // csmsd itself rejects unknown chargers
    auto charger = connect_charger(csmsd->ws_port(), "CP-M1");

    // Repointed without a reboot: no BootNotification comes first.
    REQUIRE(is_call_result(charger->call("StatusNotification", status_payload(1, "Charging", test_time(1000)), 10s)));
    TestDb db(csmsd->db_path());
    CHECK(db.rows("SELECT registration FROM chargers WHERE charger_id = 'CP-M1'") ==
          std::vector<TestDb::Row>{{"Accepted"}});
    CHECK(db.scalar("SELECT count(*) FROM status_history WHERE charger_id = 'CP-M1' AND status = 'Charging'") == 1);
}
