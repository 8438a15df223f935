// An integration partner's view of csmsd through its uplink: a partner
// backend (tests/support/partner_backend) sees a whole charging session in
// order with its own transaction ids, may stop that session but not reset
// the charger, and a partner that is down at first gets everything once it
// comes up. A partner answers Authorize for its own customers' tags, with
// a fallback when it is silent or down. A link that is down says why, is
// logged once, shows on /metrics and alerts. The charger talks to csmsd only.
#include "support/admin_bootstrap.hpp"
#include "support/charger.hpp"
#include "support/csmsctl_run.hpp"
#include "support/csmsd_process.hpp"
#include "support/http_get.hpp"
#include "support/partner_backend.hpp"
#include "support/tcp_test_server.hpp"
#include "support/test_certs.hpp"
#include "support/test_db.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>

using namespace csms::test;
using namespace std::chrono_literals;

namespace {

// csmsd with one partner "fleet" at 127.0.0.1:port for charger CP-P1, and
// an admin token in dir/token; `extra` adds lines to the partner's table,
// `csmsd_extra` to csmsd's configuration.
// Without dev, unknown chargers are accepted but unknown id tags are not.
std::unique_ptr<CsmsdProcess> csmsd_with_partner(const TempDir& dir, std::uint16_t port, const std::string& extra = "",
                                                 const std::string& url = "", bool dev = true,
                                                 const std::string& csmsd_extra = "")
{
    if (!std::filesystem::exists(dir.file("token"))) { // a restart keeps its operators
        bootstrap_admin(dir, dir.file("csms.db"), dir.file("token"));
    }
    std::ofstream(dir.file("fleet.pw")) << "link-secret\n";
    std::ofstream(dir.file("partners.toml"))
        << "[[partner]]\nname = \"fleet\"\nurl = \""
        << (url.empty() ? "ws://127.0.0.1:" + std::to_string(port) + "/ocpp" : url)
        << "\"\nuser = \"csms-fleet\"\npassword_file = \"" << dir.file("fleet.pw")
        << "\"\nchargers = [\"CP-P1\"]\n"
           "forward = [\"BootNotification\", \"StatusNotification\", \"StartTransaction\", \"MeterValues\", "
           "\"StopTransaction\"]\naccept = [\"RemoteStopTransaction\"]\nrate_per_minute = 5\ncall_timeout_s = 5\n"
        << extra;
    std::ofstream(dir.file("csmsd.toml"))
        << "[proxy]\npartners = \"" << dir.file("partners.toml") << "\"\n"
        << (dev ? ""
                : "[security]\nallow_profile_0 = true\n[policy]\nunknown_chargers = \"accept\"\n"
                  "accept_unknown_id_tags = false\n")
        << csmsd_extra;
    CsmsdOptions options;
    options.dev = dev;
    options.extra_args = {"--config", dir.file("csmsd.toml")};
    return std::make_unique<CsmsdProcess>(dir, options);
}

// The same for a partner that is not listening yet, on a port csmsd did not
// take for itself: the uplink would otherwise reach csmsd's own listener as
// charger CP-P1 and replace the test charger's session.
std::unique_ptr<CsmsdProcess> csmsd_with_absent_partner(const TempDir& dir, std::uint16_t& port,
                                                        const std::string& extra = "", bool dev = true)
{
    for (;;) {
        port = free_loopback_port();
        auto csmsd = csmsd_with_partner(dir, port, extra, "", dev);
        if (csmsd->ws_port() != port && csmsd->admin_port() != port) {
            return csmsd;
        }
    }
}

ProcessResult csmsctl(const TempDir& dir, const CsmsdProcess& csmsd, const std::vector<std::string>& args)
{
    return run_csmsctl(dir, csmsd.admin_port(), dir.file("token"), args);
}

std::string authorize_status(WsClient& charger, const std::string& id_tag)
{
    auto reply = charger.call("Authorize", JsonObject().set("idTag", id_tag).str(), 10s);
    if (!is_call_result(reply)) {
        return "not a CALLRESULT: " + to_json(reply);
    }
    return reply[2]["idTagInfo"]["status"].GetString();
}

std::vector<std::string> tags_asked(const PartnerBackend& partner)
{
    std::vector<std::string> tags;
    for (const auto& call : partner.received()) {
        if (call.action == "Authorize") {
            rapidjson::Document doc;
            doc.Parse(call.payload.c_str());
            tags.push_back(doc["idTag"].GetString());
        }
    }
    return tags;
}

} // namespace

TEST_CASE("A partner sees a whole session in order with its own transaction ids and may stop it but not reset")
{
    TempDir dir;
    PartnerBackend partner;
    auto csmsd = csmsd_with_partner(dir, partner.port());
    auto charger = accepted_charger(csmsd->ws_port(), "CP-P1");
    REQUIRE(is_call_result(charger->call("StatusNotification", status_payload(1, "Preparing", test_time(1000)))));
    auto started = charger->call("StartTransaction", start_payload(1, "TAG-1", 1000, test_time(2000)));
    REQUIRE(is_call_result(started));
    const std::int64_t ours = started[2]["transactionId"].GetInt64();
    REQUIRE(is_call_result(charger->call("MeterValues", meter_values_payload(1, test_time(3000), "1500", ours))));

    // The partner received the session so far, in order, under its own id.
    REQUIRE(wait_until([&] { return partner.received().size() >= 4; }, 10s));
    auto calls = partner.received();
    CHECK(actions_of(calls) ==
          std::vector<std::string>{"BootNotification", "StatusNotification", "StartTransaction", "MeterValues"});
    CHECK(calls[3].charger_id == "CP-P1");
    CHECK(transaction_id_of(calls[3].payload) == 9001);
    // csmsd presented its own credentials for the link, not the charger's.
    REQUIRE_FALSE(partner.authorizations().empty());
    CHECK(partner.authorizations().front() == basic_authorization("csms-fleet", "link-secret"));

    // A RemoteStop for the partner's 9001 reaches the charger as ours; the
    // charger's answer goes back to the partner.
    auto remote_stop = std::async(std::launch::async, [&] {
        return partner.call("CP-P1", "RemoteStopTransaction", R"({"transactionId":9001})");
    });
    auto call = next_call(*charger);
    CHECK(std::string(call[2].GetString()) == "RemoteStopTransaction");
    CHECK(call[3]["transactionId"].GetInt64() == ours);
    answer_call(*charger, call, R"({"status":"Accepted"})");
    auto stop_answer = remote_stop.get();
    REQUIRE(stop_answer);
    CHECK(stop_answer->find(R"({"status":"Accepted"})") != std::string::npos);

    // Reset is not in its policy: a CALLERROR, and the charger never sees it.
    auto reset = partner.call("CP-P1", "Reset", R"({"type":"Soft"})");
    REQUIRE(reset);
    CHECK(reset->find("SecurityError") != std::string::npos);
    CHECK(reset->find("Reset is not allowed for partner fleet") != std::string::npos);

    REQUIRE(is_call_result(charger->call("StopTransaction", stop_payload(ours, 4000, test_time(4000)))));
    REQUIRE(wait_until([&] { return partner.received().size() >= 5; }, 10s));
    calls = partner.received();
    CHECK(calls[4].action == "StopTransaction");
    CHECK(transaction_id_of(calls[4].payload) == 9001);
    CHECK(charger->unmatched().empty()); // nothing but the RemoteStop reached the charger

    TestDb db(csmsd->db_path());
    CHECK(wait_until([&] { return db.scalar("SELECT count(*) FROM proxy_refusals WHERE action = 'Reset'") == 1; }, 5s));
    CHECK(wait_until([&] { return db.scalar("SELECT count(*) FROM proxy_outbox") == 0; }, 5s));
    CHECK(db.scalar("SELECT partner_transaction_id FROM proxy_transaction_ids WHERE transaction_id = ?",
                    {std::to_string(ours)}) == 9001);
    // The RemoteStop that reached the charger is in the command history,
    // with the partner as its author; the refused Reset is not.
    CHECK(wait_until([&] { return db.count("commands") == 1; }, 5s));
    CHECK(db.rows("SELECT operator_name, action, outcome, status FROM commands") ==
          std::vector<TestDb::Row>{{"partner:fleet", "RemoteStopTransaction", "result", "Accepted"}});

    // The charger gone: the partner's allowed calls get a CALLERROR, and one
    // beyond its rate (5 a minute, the RemoteStop above was the first) a
    // rate error. Each is recorded.
    charger->close();
    REQUIRE(wait_until(
        [&] { return db.scalar("SELECT count(*) FROM connection_events WHERE event = 'disconnected'") == 1; }, 5s));
    for (int i = 0; i < 4; ++i) {
        auto offline = partner.call("CP-P1", "RemoteStopTransaction", R"({"transactionId":9001})");
        REQUIRE(offline);
        CHECK(offline->find("\"GenericError\",\"charger CP-P1 is not connected\"") != std::string::npos);
    }
    auto limited = partner.call("CP-P1", "RemoteStopTransaction", R"({"transactionId":9001})");
    REQUIRE(limited);
    CHECK(limited->find("OccurenceConstraintViolation") != std::string::npos);
    REQUIRE(wait_until([&] { return db.scalar("SELECT count(*) FROM proxy_refusals") == 6; }, 5s));

    // The operator sees the link, its counts and the refused calls.
    auto list = csmsctl(dir, *csmsd, {"partners", "list"});
    REQUIRE(list.status.success());
    CHECK(list.out.find("fleet") != std::string::npos);
    CHECK(list.out.find("1 connected") != std::string::npos);
    auto show = csmsctl(dir, *csmsd, {"--json", "partners", "show", "fleet"});
    REQUIRE(show.status.success());
    rapidjson::Document fleet;
    fleet.Parse(show.out.c_str());
    REQUIRE(fleet.IsObject());
    CHECK(fleet["forwarded"].GetInt64() == 5);
    CHECK(fleet["refused"].GetInt64() == 6);
    CHECK(fleet["queued"].GetInt64() == 0);
    // So does Prometheus, per link (counted once each answer is recorded).
    CHECK(wait_until(
        [&] {
            auto text = http_get(csmsd->admin_port(), "/metrics").body;
            const std::string link = R"({partner="fleet",charger="CP-P1")";
            return text.find("\ncsms_partner_messages_forwarded_total" + link + "} 5\n") != std::string::npos &&
                   text.find("\ncsms_partner_calls_total" + link + R"(,result="answered"} 1)") != std::string::npos &&
                   text.find("\ncsms_partner_calls_total" + link + R"(,result="refused"} 6)") != std::string::npos;
        },
        5s));
    CHECK(std::string(fleet["links"][0]["state"].GetString()) == "connected");
    REQUIRE(fleet["refusals"].Size() == 6);
    CHECK(std::string(fleet["refusals"][5]["action"].GetString()) == "Reset"); // newest first
    CHECK_FALSE(csmsctl(dir, *csmsd, {"partners", "show", "nobody"}).status.success());

    csmsd->signal(SIGTERM);
    auto exit = csmsd->wait_exit(10s);
    REQUIRE(exit);
    CHECK(exit->exited);
    CHECK(exit->code == 0);
}

TEST_CASE("A partner's call the charger does not answer in time gets a GenericError and is recorded")
{
    TempDir dir;
    PartnerBackend partner;
    auto csmsd = csmsd_with_partner(dir, partner.port(), "", "", true, "[ocpp]\ncall_timeout_s = 1\n");
    auto charger = accepted_charger(csmsd->ws_port(), "CP-P1");
    REQUIRE(is_call_result(charger->call("StartTransaction", start_payload(1, "TAG-1", 1000, test_time(2000)))));
    TestDb db(csmsd->db_path());
    REQUIRE(wait_until([&] { return db.count("proxy_transaction_ids") == 1; }, 10s)); // the partner's 9001

    // The charger reads the partner's RemoteStop and never answers it.
    auto stop = std::async(std::launch::async,
                           [&] { return partner.call("CP-P1", "RemoteStopTransaction", R"({"transactionId":9001})"); });
    auto call = next_call(*charger);
    CHECK(std::string(call[2].GetString()) == "RemoteStopTransaction");
    auto answer = stop.get();
    REQUIRE(answer);
    CHECK(answer->find(R"("GenericError","charger CP-P1 did not answer in time")") != std::string::npos);
    CHECK(wait_until([&] { return db.count("proxy_refusals") == 1; }, 5s));
    CHECK(db.rows("SELECT operator_name, outcome FROM commands") ==
          std::vector<TestDb::Row>{{"partner:fleet", "timeout"}});
}

TEST_CASE("A partner that is down at first receives every message in order once it comes up")
{
    TempDir dir;
    std::uint16_t port = 0;
    auto csmsd = csmsd_with_absent_partner(dir, port);
    auto charger = accepted_charger(csmsd->ws_port(), "CP-P1");
    std::vector<std::string> statuses = {"Preparing", "Charging", "SuspendedEV", "Charging", "Finishing", "Available"};
    for (std::size_t i = 0; i < statuses.size(); ++i) {
        // Answered at once: a partner that is down never delays the charger.
        auto answer = charger->call("StatusNotification",
                                    status_payload(1, statuses[i], test_time(1000 * static_cast<int>(i + 1))), 2s);
        REQUIRE(is_call_result(answer));
    }
    TestDb db(csmsd->db_path());
    CHECK(db.scalar("SELECT count(*) FROM proxy_outbox WHERE partner = 'fleet'") == 7);

    PartnerBackend partner(port);
    REQUIRE(wait_until([&] { return partner.received().size() >= 7; }, 20s));
    auto calls = partner.received();
    REQUIRE(calls.size() == 7);
    CHECK(calls[0].action == "BootNotification");
    for (std::size_t i = 0; i < statuses.size(); ++i) {
        CHECK(calls[i + 1].payload.find("\"" + statuses[i] + "\"") != std::string::npos);
    }
    CHECK(wait_until([&] { return db.scalar("SELECT count(*) FROM proxy_outbox") == 0; }, 5s));
}

TEST_CASE("A partner that stays down loses its oldest messages beyond its buffer and an alert says so")
{
    TempDir dir;
    std::uint16_t port = 0;
    auto csmsd = csmsd_with_absent_partner(dir, port, "buffer_limit = 3\n");
    auto charger = accepted_charger(csmsd->ws_port(), "CP-P1");
    std::vector<std::string> statuses = {"Preparing", "Charging", "SuspendedEV", "Charging", "Finishing"};
    for (std::size_t i = 0; i < statuses.size(); ++i) {
        REQUIRE(is_call_result(charger->call(
            "StatusNotification", status_payload(1, statuses[i], test_time(1000 * static_cast<int>(i + 1))), 2s)));
    }
    TestDb db(csmsd->db_path());
    REQUIRE(wait_until([&] { return db.scalar("SELECT count(*) FROM proxy_outbox") == 3; }, 5s));
    CHECK(wait_until([&] { return db.scalar("SELECT count(*) FROM alerts WHERE kind = 'proxy_buffer_overflow'") == 1; },
                     5s));

    // What is left arrives, the newest three, in order.
    PartnerBackend partner(port);
    REQUIRE(wait_until([&] { return partner.received().size() >= 3; }, 20s));
    auto calls = partner.received();
    REQUIRE(calls.size() == 3);
    CHECK(calls[0].payload.find("\"SuspendedEV\"") != std::string::npos);
    CHECK(calls[1].payload.find("\"Charging\"") != std::string::npos);
    CHECK(calls[2].payload.find("\"Finishing\"") != std::string::npos);
    CHECK(db.scalar("SELECT dropped FROM proxy_links WHERE partner = 'fleet'") == 3);
}

TEST_CASE("Messages queued for a partner that is down survive a restart of csmsd and arrive in order")
{
    TempDir dir;
    std::uint16_t port = 0;
    {
        auto csmsd = csmsd_with_absent_partner(dir, port);
        auto charger = accepted_charger(csmsd->ws_port(), "CP-P1");
        REQUIRE(is_call_result(charger->call("StatusNotification", status_payload(1, "Preparing", test_time(1000)))));
        charger->close();
        csmsd->signal(SIGTERM); // its link is waiting to retry: the stop must not wait for it
        auto exit = csmsd->wait_exit(10s);
        REQUIRE(exit);
        CHECK(exit->code == 0);
    }
    PartnerBackend partner(port);
    auto csmsd = csmsd_with_partner(dir, port);
    REQUIRE(wait_until([&] { return partner.received().size() >= 2; }, 20s));
    auto calls = partner.received();
    CHECK(actions_of(calls) == std::vector<std::string>{"BootNotification", "StatusNotification"});
}

TEST_CASE("A reloaded partners file moves one partner and adds another without disconnecting the charger")
{
    TempDir dir;
    PartnerBackend first;
    auto csmsd = csmsd_with_partner(dir, first.port());
    auto charger = accepted_charger(csmsd->ws_port(), "CP-P1");
    REQUIRE(wait_until([&] { return first.received().size() == 1; }, 10s)); // the BootNotification

    // fleet moves to a new endpoint; billing joins for StatusNotification.
    PartnerBackend second;
    PartnerBackend billing;
    auto write_partners = [&](const std::string& fleet_accept) {
        std::ofstream(dir.file("partners.toml"))
            << "[[partner]]\nname = \"fleet\"\nurl = \"ws://127.0.0.1:" << second.port()
            << "/ocpp\"\nchargers = [\"CP-P1\"]\nforward = [\"StatusNotification\"]\naccept = [" << fleet_accept
            << "]\n[[partner]]\nname = \"billing\"\nurl = \"ws://127.0.0.1:" << billing.port()
            << "/ocpp\"\nchargers = [\"CP-P1\"]\nforward = [\"StatusNotification\"]\n";
    };
    write_partners("\"RemoteStopTransaction\"");
    auto reload = csmsctl(dir, *csmsd, {"partners", "reload"});
    REQUIRE(reload.status.success());
    CHECK_THAT(reload.out, Catch::Contains("fleet") && Catch::Contains("billing"));
    REQUIRE(is_call_result(charger->call("StatusNotification", status_payload(1, "Available", test_time(1000)))));
    REQUIRE(wait_until([&] { return !second.received().empty() && !billing.received().empty(); }, 10s));
    CHECK(actions_of(second.received()) == std::vector<std::string>{"StatusNotification"});
    CHECK(actions_of(billing.received()) == std::vector<std::string>{"StatusNotification"});
    CHECK(first.received().size() == 1);
    CHECK(wait_until([&] { return !first.connected("CP-P1"); }, 10s)); // the moved partner's old link closed

    // A mistake in the file changes nothing, and says where it is.
    write_partners("\"Rset\"");
    auto bad = csmsctl(dir, *csmsd, {"partners", "reload"});
    CHECK_FALSE(bad.status.success());
    CHECK_THAT(bad.errors, Catch::Contains("partners.toml:6") && Catch::Contains("did you mean 'Reset'") &&
                               Catch::Contains("unchanged"));
    REQUIRE(is_call_result(charger->call("StatusNotification", status_payload(1, "Preparing", test_time(2000)))));
    REQUIRE(wait_until([&] { return second.received().size() == 2 && billing.received().size() == 2; }, 10s));

    // A wss partner whose CA file is missing: nothing changes either.
    std::ofstream(dir.file("partners.toml"))
        << "[[partner]]\nname = \"fleet\"\nurl = \"wss://127.0.0.1:" << second.port() << "/ocpp\"\nca = \""
        << dir.file("no-such-ca.pem") << "\"\nchargers = [\"CP-P1\"]\nforward = \"all\"\n";
    auto no_ca = csmsctl(dir, *csmsd, {"partners", "reload"});
    CHECK_FALSE(no_ca.status.success());
    CHECK_THAT(no_ca.errors, Catch::Contains("cannot load its TLS files") && Catch::Contains("unchanged"));
    CHECK(billing.connected("CP-P1"));

    // billing leaves: its link closes, and fleet's goes on.
    write_partners("\"RemoteStopTransaction\"");
    {
        std::string text = read_text_file(dir.file("partners.toml"));
        std::ofstream(dir.file("partners.toml")) << text.substr(0, text.find("[[partner]]", 1));
    }
    REQUIRE(csmsctl(dir, *csmsd, {"partners", "reload"}).status.success());
    CHECK(wait_until([&] { return !billing.connected("CP-P1"); }, 10s));
    // Its link's gauge went with it.
    CHECK_THAT(http_get(csmsd->admin_port(), "/metrics").body,
               !Catch::Contains("partner=\"billing\"") &&
                   Catch::Contains(R"(csms_partner_link_up{partner="fleet",charger="CP-P1"} 1)"));
    REQUIRE(is_call_result(charger->call("StatusNotification", status_payload(1, "Charging", test_time(3000)))));
    REQUIRE(wait_until([&] { return second.received().size() == 3; }, 10s));
    CHECK(billing.received().size() == 2);

    // The charger never noticed, and the reloads are in the audit log.
    CHECK_FALSE(charger->is_closed());
    TestDb db(csmsd->db_path());
    CHECK(db.scalar("SELECT count(*) FROM connection_events WHERE charger_id = 'CP-P1' AND event = 'connected'") == 1);
    CHECK(wait_until([&] { return db.scalar("SELECT count(*) FROM audit_log WHERE action = 'partners.reload'") == 4; },
                     5s));
}

TEST_CASE("A partner choosing by region loses command of a charger a reload took from it though its link goes on")
{
    TempDir dir;
    PartnerBackend partner;
    auto write_partners = [&](const std::string& chargers) {
        std::ofstream(dir.file("partners.toml"))
            << "[[partner]]\nname = \"area\"\nurl = \"ws://127.0.0.1:" << partner.port()
            << "/ocpp\"\nregions = [\"Guangdong/Shenzhen\"]\nchargers = [" << chargers
            << "]\nforward = [\"StatusNotification\"]\naccept = [\"UnlockConnector\"]\n";
    };
    write_partners("\"CP-P1\"");
    std::ofstream(dir.file("csmsd.toml")) << "[proxy]\npartners = \"" << dir.file("partners.toml") << "\"\n";
    bootstrap_admin(dir, dir.file("csms.db"), dir.file("token"));
    CsmsdOptions options;
    options.extra_args = {"--config", dir.file("csmsd.toml")};
    CsmsdProcess csmsd(dir, options);
    auto charger = accepted_charger(csmsd.ws_port(), "CP-P1");
    REQUIRE(csmsctl(dir, csmsd, {"chargers", "set", "CP-P1", "--region", "Guangdong/Guangzhou"}).status.success());
    REQUIRE(wait_until([&] { return partner.connected("CP-P1"); }, 10s)); // listed by id

    auto unlock = std::async(std::launch::async,
                             [&] { return partner.call("CP-P1", "UnlockConnector", R"({"connectorId":1})"); });
    answer_call(*charger, next_call(*charger), R"({"status":"Unlocked"})");
    REQUIRE(unlock.get());

    // CP-P1 is no longer listed, and Guangzhou is not Shenzhen.
    write_partners("");
    REQUIRE(csmsctl(dir, csmsd, {"partners", "reload"}).status.success());
    auto refused = partner.call("CP-P1", "UnlockConnector", R"({"connectorId":1})");
    REQUIRE(refused);
    CHECK_THAT(*refused, Catch::Contains("SecurityError") && Catch::Contains("CP-P1 is not a charger of partner area"));
    REQUIRE(is_call_result(charger->call("Heartbeat", "{}")));
    CHECK(charger->unmatched().empty()); // the charger never saw the second call
}

TEST_CASE("A partner url pointing back at csmsd itself is refused as a loop and never replaces the real charger")
{
    TempDir dir;
    const auto port = free_loopback_port();
    std::ofstream(dir.file("partners.toml")) << "[[partner]]\nname = \"self\"\nurl = \"ws://127.0.0.1:" << port
                                             << "/ocpp\"\nchargers = [\"CP-L1\"]\nforward = \"all\"\n";
    std::ofstream(dir.file("csmsd.toml")) << "[proxy]\npartners = \"" << dir.file("partners.toml") << "\"\n";
    bootstrap_admin(dir, dir.file("csms.db"), dir.file("token"));
    CsmsdOptions options;
    options.extra_args = {"--config", dir.file("csmsd.toml"), "--listen", "127.0.0.1:" + std::to_string(port)};
    CsmsdProcess csmsd(dir, options);
    REQUIRE(csmsd.ws_port() == port);
    auto charger = accepted_charger(port, "CP-L1");

    // The link has tried at least twice by the time its error says why.
    REQUIRE(wait_until(
        [&] {
            auto show = csmsctl(dir, csmsd, {"--json", "partners", "show", "self"});
            return show.out.find("HTTP 508 Loop Detected") != std::string::npos;
        },
        10s));
    REQUIRE(is_call_result(charger->call("Heartbeat", "{}")));
    CHECK_FALSE(charger->is_closed());
    TestDb db(csmsd.db_path());
    CHECK(db.scalar("SELECT count(*) FROM connection_events WHERE charger_id = 'CP-L1' AND event = 'connected'") == 1);
}

TEST_CASE("A wss partner is reached with its CA checked and our client certificate and an untrusted one is not")
{
    const auto& certs = test_certs();
    TempDir dir;
    PartnerBackend partner(0, 9001, PartnerBackendTls{certs.server_cert(), certs.server_key(), certs.ca()});
    const std::string url = "wss://localhost:" + std::to_string(partner.port()) + "/ocpp";
    const std::string tls = "ca = \"" + certs.ca() + "\"\nclient_cert = \"" + certs.client_cert("CP-1") +
                            "\"\nclient_key = \"" + certs.client_key("CP-1") + "\"\n";
    // A second partner at the same address that trusts another CA.
    const std::string mistrusted = "[[partner]]\nname = \"mistrusted\"\nurl = \"" + url +
                                   "\"\nchargers = [\"CP-P1\"]\nforward = \"all\"\nca = \"" +
                                   certs.test_cert("other-ca") + "\"\n";
    auto csmsd = csmsd_with_partner(dir, partner.port(), tls + mistrusted, url);
    auto charger = accepted_charger(csmsd->ws_port(), "CP-P1");

    REQUIRE(wait_until([&] { return !partner.received().empty(); }, 10s));
    CHECK(partner.received()[0].action == "BootNotification");
    CHECK(partner.client_names() == std::vector<std::string>{"CP-1"}); // the untrusted link never got that far
    CHECK(partner.authorizations() == std::vector<std::string>{basic_authorization("csms-fleet", "link-secret")});

    TestDb db(csmsd->db_path());
    REQUIRE(wait_until(
        [&] { return !db.rows("SELECT last_error FROM proxy_links WHERE partner = 'mistrusted'").empty(); }, 10s));
    auto error = db.rows("SELECT last_error FROM proxy_links WHERE partner = 'mistrusted'")[0][0];
    CHECK_THAT(error, Catch::StartsWith("TLS handshake failed: certificate verify failed") && !Catch::Contains("["));
    CHECK(db.scalar("SELECT count(*) FROM proxy_outbox WHERE partner = 'mistrusted'") == 1);
}

TEST_CASE(
    "Authorize for a partner's customers is answered by the partner and the StartTransaction that follows uses it")
{
    TempDir dir;
    PartnerBackend partner;
    partner.answer_authorize("fleet-acc", "Accepted");
    partner.answer_authorize("FLEET-BLK", "Blocked");
    partner.answer_authorize("FLEET-SILENT", std::nullopt);
    // Not --dev: csmsd itself refuses every tag it does not know.
    auto csmsd = csmsd_with_partner(dir, partner.port(),
                                    "authorize_tags = [\"FLEET-\"]\nauthorize_timeout_s = 1\n"
                                    "authorize_fallback = \"Accepted\"\n",
                                    "", false);
    auto charger = accepted_charger(csmsd->ws_port(), "CP-P1");
    REQUIRE(wait_until([&] { return partner.connected("CP-P1"); }, 10s));

    // The partner's Accepted reaches the charger (the prefix matches with
    // case ignored), and the StartTransaction that follows is Accepted
    // although csmsd does not know the tag.
    CHECK(authorize_status(*charger, "fleet-acc") == "Accepted");
    auto started = charger->call("StartTransaction", start_payload(1, "fleet-acc", 1000, test_time(2000)));
    REQUIRE(is_call_result(started));
    CHECK(std::string(started[2]["idTagInfo"]["status"].GetString()) == "Accepted");
    // A customer starting without an Authorize (the charger's own cache):
    // the partner is asked first. It knows FLEET-CACHED, not FLEET-NEW.
    partner.answer_authorize("FLEET-CACHED", "Accepted");
    auto cached = charger->call("StartTransaction", start_payload(2, "FLEET-CACHED", 1000, test_time(2000)));
    REQUIRE(is_call_result(cached));
    CHECK(std::string(cached[2]["idTagInfo"]["status"].GetString()) == "Accepted");
    auto unknown = charger->call("StartTransaction", start_payload(3, "FLEET-NEW", 1000, test_time(2000)));
    REQUIRE(is_call_result(unknown));
    CHECK(std::string(unknown[2]["idTagInfo"]["status"].GetString()) == "Invalid");

    CHECK(authorize_status(*charger, "FLEET-BLK") == "Blocked");

    // A partner that does not answer: the fallback, within the timeout.
    const auto before = std::chrono::steady_clock::now();
    CHECK(authorize_status(*charger, "FLEET-SILENT") == "Accepted");
    const auto waited = std::chrono::steady_clock::now() - before;
    CHECK(waited >= 900ms);
    CHECK(waited < 2500ms);
    // The link carries on: the next customer is answered by the partner.
    CHECK(authorize_status(*charger, "FLEET-BLK") == "Blocked");

    // Outside the prefixes csmsd answers from its own table, and the
    // partner never hears of the tag.
    CHECK(authorize_status(*charger, "TAG-LOCAL") == "Invalid");
    CHECK(tags_asked(partner) ==
          std::vector<std::string>{"fleet-acc", "FLEET-CACHED", "FLEET-NEW", "FLEET-BLK", "FLEET-SILENT", "FLEET-BLK"});

    // The operator sees each decision and who made it.
    auto show = csmsctl(dir, *csmsd, {"--json", "partners", "show", "fleet"});
    REQUIRE(show.status.success());
    rapidjson::Document fleet;
    fleet.Parse(show.out.c_str());
    REQUIRE(fleet.IsObject());
    const auto& decisions = fleet["authorizations"];
    REQUIRE(decisions.Size() == 6);
    CHECK(std::string(decisions[1]["id_tag"].GetString()) == "FLEET-SILENT"); // newest first
    CHECK(std::string(decisions[1]["source"].GetString()) == "fallback");
    CHECK(std::string(decisions[1]["reason"].GetString()) == "no answer within 1 s");
    CHECK(std::string(decisions[5]["status"].GetString()) == "Accepted");
    CHECK(std::string(decisions[5]["source"].GetString()) == "partner");
    auto table = csmsctl(dir, *csmsd, {"partners", "show", "fleet"});
    REQUIRE(table.status.success());
    CHECK(table.out.find("Authorize decisions") != std::string::npos);
    TestDb db(csmsd->db_path());
    CHECK(wait_until(
        [&] {
            return db.scalar("SELECT count(*) FROM audit_log WHERE action = 'partners.get' AND status = 200 "
                             "AND personal_data = 1") == 2;
        },
        5s));

    // Id tags are personal data: never in csmsd's log in clear.
    const auto log = csmsd->log();
    for (const char* tag : {"fleet-acc", "FLEET-BLK", "FLEET-SILENT", "FLEET-NEW", "FLEET-CACHED", "TAG-LOCAL"}) {
        CHECK(log.find(tag) == std::string::npos);
    }
}

TEST_CASE("Authorize for a partner's customer gets the fallback at once when the partner is down")
{
    TempDir dir;
    std::uint16_t port = 0;
    auto csmsd = csmsd_with_absent_partner(dir, port, "authorize_tags = [\"FLEET-\"]\nauthorize_timeout_s = 10\n");
    auto charger = accepted_charger(csmsd->ws_port(), "CP-P1");
    // --dev would accept an unknown tag: Invalid is the partner's fallback,
    // given long before its 10 s timeout.
    const auto before = std::chrono::steady_clock::now();
    CHECK(authorize_status(*charger, "FLEET-1") == "Invalid");
    CHECK(std::chrono::steady_clock::now() - before < 5s);
    CHECK(authorize_status(*charger, "OTHER-1") == "Accepted");

    TestDb db(csmsd->db_path());
    REQUIRE(wait_until([&] { return db.scalar("SELECT count(*) FROM proxy_authorizations") == 1; }, 5s));
    auto row = db.rows("SELECT source, status, reason FROM proxy_authorizations")[0];
    CHECK(row[0] == "fallback");
    CHECK(row[1] == "Invalid");
    CHECK(row[2].starts_with("link down"));
}

TEST_CASE("A partner link that is down shows one short reason, is logged once, exported on /metrics and alerts")
{
    TempDir dir;
    PartnerBackend working;
    std::uint16_t port = 0; // fleet's: nothing listens there yet
    auto csmsd = csmsd_with_absent_partner(dir, port,
                                           "alert_after_s = 1\n[[partner]]\nname = \"working\"\nurl = "
                                           "\"ws://127.0.0.1:" +
                                               std::to_string(working.port()) +
                                               "/ocpp\"\nchargers = [\"CP-P1\"]\nforward = \"all\"\n");
    TestDb db(csmsd->db_path());
    const std::string error_at = "SELECT last_error_at FROM proxy_links WHERE partner = 'fleet'";
    REQUIRE(wait_until([&] { return !db.rows(error_at).empty(); }, 10s));
    const auto first_failure = db.rows(error_at)[0][0];

    // One short reason, in the API and in the table: no Boost location.
    auto show = csmsctl(dir, *csmsd, {"--json", "partners", "show", "fleet"});
    REQUIRE(show.status.success());
    rapidjson::Document fleet;
    fleet.Parse(show.out.c_str());
    REQUIRE(fleet.IsObject());
    CHECK(std::string(fleet["links"][0]["last_error"].GetString()) == "connection refused");
    CHECK(fleet["alert_after_ms"].GetInt64() == 1000);
    auto table = csmsctl(dir, *csmsd, {"partners", "show", "fleet"});
    REQUIRE(table.status.success());
    CHECK_THAT(table.out, Catch::Contains("connection refused") && !Catch::Contains("/usr/include") &&
                              !Catch::Contains("boost", Catch::CaseSensitive::No));

    // One gauge per link: fleet's down, working's up.
    const std::string fleet_up = R"(csms_partner_link_up{partner="fleet",charger="CP-P1"} )";
    const std::string working_up = R"(csms_partner_link_up{partner="working",charger="CP-P1"} )";
    auto metrics = [&] { return http_get(csmsd->admin_port(), "/metrics").body; };
    REQUIRE(wait_until([&] { return metrics().find(working_up + "1") != std::string::npos; }, 10s));
    CHECK_THAT(metrics(), Catch::Contains(fleet_up + "0"));

    // Down for alert_after_s: an alert of its own kind, with the reason.
    const std::string open_alerts =
        "SELECT count(*) FROM alerts WHERE kind = 'partner_link_down' AND charger_id = 'CP-P1' AND state = 'open'";
    REQUIRE(wait_until([&] { return db.scalar(open_alerts) == 1; }, 10s));
    CHECK_THAT(db.rows("SELECT message FROM alerts WHERE kind = 'partner_link_down'")[0][0],
               Catch::Contains("partner 'fleet' link for CP-P1") && Catch::Contains("connection refused"));
    auto alerts = csmsctl(dir, *csmsd, {"alerts", "list"});
    CHECK_THAT(alerts.out, Catch::Contains("partner_link_down"));

    // Retried since, and warned of once: no line per retry.
    REQUIRE(wait_until([&] { return db.rows(error_at)[0][0] != first_failure; }, 10s));
    CHECK(occurrences(csmsd->log(), "partner 'fleet' link for CP-P1 to ws://127.0.0.1:" + std::to_string(port) +
                                        "/ocpp is down: connection refused") == 1);

    // The partner comes up: the link is up again, and its alert cleared.
    PartnerBackend fleet_backend(port);
    REQUIRE(wait_until([&] { return db.scalar(open_alerts) == 0; }, 15s));
    CHECK(db.scalar("SELECT count(*) FROM alerts WHERE kind = 'partner_link_down' AND state = 'cleared'") == 1);
    CHECK(wait_until([&] { return metrics().find(fleet_up + "1") != std::string::npos; }, 5s));
    const auto log = csmsd->log();
    CHECK_THAT(log, Catch::Contains("partner 'fleet' link for CP-P1 is up again after"));
    CHECK(log.find("link-secret") == std::string::npos);
}

TEST_CASE("A partner_link_down alert of a charger its partner no longer lists is cleared when csmsd starts again")
{
    TempDir dir;
    std::uint16_t port = 0;
    auto csmsd = csmsd_with_absent_partner(dir, port, "alert_after_s = 1\n");
    TestDb db(csmsd->db_path());
    const std::string open_alerts =
        "SELECT count(*) FROM alerts WHERE kind = 'partner_link_down' AND charger_id = 'CP-P1' AND state = 'open'";
    REQUIRE(wait_until([&] { return db.scalar(open_alerts) == 1; }, 10s));
    csmsd->signal(SIGTERM);
    REQUIRE(csmsd->wait_exit(20s));
    csmsd.reset();

    // While csmsd was stopped, fleet was given another charger instead.
    auto partners = read_text_file(dir.file("partners.toml"));
    partners.replace(partners.find("\"CP-P1\""), 7, "\"CP-P9\"");
    std::ofstream(dir.file("partners.toml")) << partners;
    CsmsdOptions options;
    options.extra_args = {"--config", dir.file("csmsd.toml")};
    CsmsdProcess again(dir, options);
    CHECK(wait_until([&] { return db.scalar(open_alerts) == 0; }, 10s));
}
