// The operators' API as an operator meets it: tokens, roles, the audit log,
// and the views of chargers, sessions, id tags and live events, against a
// real csmsd child and real chargers.
#include "support/admin_server.hpp"
#include "support/charger.hpp"
#include "support/csmsd_process.hpp"
#include "support/http_get.hpp"
#include "support/test_certs.hpp"
#include "support/test_db.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>
#include <sys/stat.h>

#include <fstream>

using namespace csms::test;

TEST_CASE("Admin API: the bootstrap token file is private and a second bootstrap is refused", "[e2e][admin]")
{
    TempDir dir;
    AdminServer server(dir);
    struct stat info {};
    REQUIRE(::stat(dir.file("root.token").c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    auto again = run_program({bin_path("csmsd"), "--db", server.csmsd->db_path(), "--bootstrap-admin", "eve",
                              "--token-file", dir.file("eve.token")},
                             dir.file("again.log"), std::chrono::seconds(20));
    CHECK_FALSE(again.status.success());
    CHECK_THAT(again.errors, Catch::Contains("operators exist already"));
    // Only the hash is stored, never the token.
    TestDb db(server.csmsd->db_path());
    CHECK(db.scalar("SELECT count(*) FROM api_tokens WHERE token_hash = ?", {server.root_token}) == 0);
    CHECK(db.scalar("SELECT count(*) FROM api_tokens") == 1);
}

TEST_CASE("Admin API: no token or a wrong token is 401 and audited", "[e2e][admin]")
{
    TempDir dir;
    AdminServer server(dir);
    auto none = server.call("GET", "/api/v1/chargers", "");
    CHECK(none.status == 401);
    CHECK(error_code_of(none) == "unauthenticated");
    auto wrong = server.call("GET", "/api/v1/chargers", "csms_0000");
    CHECK(wrong.status == 401);
    TestDb db(server.csmsd->db_path());
    CHECK(db.rows("SELECT action, status, operator_name FROM audit_log ORDER BY audit_id") ==
          std::vector<TestDb::Row>{{"chargers.list", "401", ""}, {"chargers.list", "401", ""}});
    // Health and metrics stay open for load balancers.
    CHECK(http_get(server.csmsd->admin_port(), "/health").status == 200);
}

TEST_CASE("Admin API: each role may do its duty and is refused the rest with 403 in the audit log",
          "[e2e][admin][roles]")
{
    TempDir dir;
    AdminServer server(dir);
    struct Case {
        std::string role, allowed_method, allowed_target, allowed_body, denied_method, denied_target;
    };
    const std::vector<Case> cases{
        {"information_management", "GET", "/api/v1/transactions", "", "POST", "/api/v1/id-tags"},
        {"operations", "POST", "/api/v1/id-tags", R"({"id_tag":"OPS-1"})", "GET", "/api/v1/audit"},
        {"technical", "GET", "/api/v1/chargers", "", "GET", "/api/v1/transactions"},
        {"customer_service", "GET", "/api/v1/id-tags", "", "GET", "/api/v1/commands"},
        {"auditor", "GET", "/api/v1/audit", "", "PATCH", "/api/v1/id-tags/OPS-1"},
    };
    for (const auto& c : cases) {
        INFO(c.role);
        auto token = server.add_operator("op-" + c.role, c.role);
        auto allowed = server.call(c.allowed_method, c.allowed_target, token, c.allowed_body);
        CHECK(allowed.status < 300);
        auto denied = server.call(c.denied_method, c.denied_target, token, R"({"status":"Blocked"})");
        CHECK(denied.status == 403);
        CHECK(error_code_of(denied) == "forbidden");
        TestDb db(server.csmsd->db_path());
        auto rows = db.rows("SELECT method, path, status, outcome, role FROM audit_log WHERE operator_name = ? "
                            "ORDER BY audit_id",
                            {"op-" + c.role});
        REQUIRE(rows.size() == 2);
        CHECK(rows[0] == TestDb::Row{c.allowed_method, c.allowed_target, std::to_string(allowed.status), "ok", c.role});
        CHECK(rows[1] == TestDb::Row{c.denied_method, c.denied_target, "403", "forbidden", c.role});
    }
    // Only an admin manages operators.
    auto auditor = server.add_operator("second-auditor", "auditor");
    CHECK(server.call("POST", "/api/v1/operators", auditor, R"({"name":"x","role":"admin"})").status == 403);
}

TEST_CASE("Admin API: the audit log can be filtered and paged but never changed", "[e2e][admin][audit]")
{
    TempDir dir;
    AdminServer server(dir);
    auto cs = server.add_operator("carol", "customer_service");
    for (int i = 0; i < 3; ++i) {
        server.call("GET", "/api/v1/chargers", cs);
    }
    server.call("GET", "/api/v1/audit", cs); // denied
    auto page = AdminServer::parse(server.call("GET", "/api/v1/audit?operator=carol&limit=2", server.root_token).body);
    REQUIRE(page["items"].Size() == 2);
    CHECK(std::string(page["items"][0]["action"].GetString()) == "audit.list"); // newest first
    CHECK(page["items"][0]["status"].GetInt() == 403);
    REQUIRE(page["next"].IsString());
    auto rest = AdminServer::parse(
        server
            .call("GET", std::string("/api/v1/audit?operator=carol&limit=2&cursor=") + page["next"].GetString(),
                  server.root_token)
            .body);
    CHECK(rest["items"].Size() == 2);
    auto denied = AdminServer::parse(server.call("GET", "/api/v1/audit?denied=1", server.root_token).body);
    REQUIRE(denied["items"].Size() == 1);
    CHECK(std::string(denied["items"][0]["operator"].GetString()) == "carol");

    // Append-only even for someone with the database file in hand.
    csms::store::Database raw(server.csmsd->db_path());
    CHECK_THROWS_WITH(raw.exec("UPDATE audit_log SET outcome = 'ok'"), Catch::Contains("append-only"));
    CHECK_THROWS_WITH(raw.exec("DELETE FROM audit_log"), Catch::Contains("append-only"));
}

TEST_CASE("Admin API: a disabled operator's token stops working", "[e2e][admin]")
{
    TempDir dir;
    AdminServer server(dir);
    auto token = server.add_operator("dave", "operations");
    CHECK(server.call("GET", "/api/v1/whoami", token).status == 200);
    CHECK(server.call("POST", "/api/v1/operators/dave/disable", server.root_token).status == 200);
    CHECK(server.call("GET", "/api/v1/whoami", token).status == 401);
    // A fresh token for a disabled operator is refused too.
    CHECK(server.call("POST", "/api/v1/operators/dave/tokens", server.root_token).status == 404);
    CHECK(server.call("POST", "/api/v1/operators/root/disable", server.root_token).status == 409);
}

TEST_CASE("Admin API: errors are JSON with a stable code", "[e2e][admin]")
{
    TempDir dir;
    AdminServer server(dir);
    CHECK(error_code_of(server.call("GET", "/api/v1/nothing-here", server.root_token)) == "not_found");
    CHECK(error_code_of(server.call("DELETE", "/api/v1/chargers", server.root_token)) == "method_not_allowed");
    CHECK(error_code_of(server.call("POST", "/api/v1/id-tags", server.root_token, "{not json")) == "bad_request");
    CHECK(error_code_of(server.call("GET", "/api/v1/chargers?limit=9999", server.root_token)) == "bad_request");
    CHECK(error_code_of(server.call("GET", "/api/v1/transactions/abc", server.root_token)) == "bad_request");
    CHECK(error_code_of(server.call("POST", "/api/v1/operators", server.root_token, R"({"name":"z","role":"king"})")) ==
          "bad_request");
}

TEST_CASE("Admin API: chargers show live connection and connector status", "[e2e][admin][views]")
{
    TempDir dir;
    AdminServer server(dir);
    auto cp1 = accepted_charger(server.csmsd->ws_port(), "VIEW-1");
    cp1->call("StatusNotification", status_payload(1, "Charging", test_time(0)));
    {
        auto cp2 = accepted_charger(server.csmsd->ws_port(), "VIEW-2");
        cp2->close();
    }
    // VIEW-2's disconnect reaches the registry shortly after its close.
    rapidjson::Document list;
    REQUIRE(wait_until(
        [&] {
            list = AdminServer::parse(server.call("GET", "/api/v1/chargers", server.root_token).body);
            return list["items"].Size() == 2 && !list["items"][1]["connected"].GetBool();
        },
        std::chrono::seconds(5)));
    CHECK(std::string(list["items"][0]["charger_id"].GetString()) == "VIEW-1");
    CHECK(list["items"][0]["connected"].GetBool());
    CHECK(std::string(list["items"][0]["connectors"][0]["status"].GetString()) == "Charging");

    auto one = AdminServer::parse(server.call("GET", "/api/v1/chargers/VIEW-1", server.root_token).body);
    CHECK(std::string(one["vendor"].GetString()) == "E2E");
    CHECK(one["configuration"].IsArray());
    CHECK(server.call("GET", "/api/v1/chargers/NOPE", server.root_token).status == 404);

    auto paged = AdminServer::parse(server.call("GET", "/api/v1/chargers?limit=1", server.root_token).body);
    REQUIRE(paged["next"].IsString());
    auto second = AdminServer::parse(
        server
            .call("GET", std::string("/api/v1/chargers?limit=1&cursor=") + paged["next"].GetString(), server.root_token)
            .body);
    CHECK(std::string(second["items"][0]["charger_id"].GetString()) == "VIEW-2");
}

TEST_CASE("Admin API: a transaction shows its energy and meter values and the read is audited as personal data",
          "[e2e][admin][views]")
{
    TempDir dir;
    AdminServer server(dir);
    auto cp = accepted_charger(server.csmsd->ws_port(), "TX-VIEW");
    auto start = cp->call("StartTransaction", start_payload(1, "CUSTOMER-7", 1000, test_time(0)));
    auto tx = start[2]["transactionId"].GetInt64();
    auto values = R"({"connectorId":1,"transactionId":)" + std::to_string(tx) + R"(,"meterValue":[{"timestamp":")" +
                  test_time(60'000) +
                  R"(","sampledValue":[{"value":"1500","measurand":"Energy.Active.Import.Register","unit":"Wh"}]}]})";
    cp->call("MeterValues", values);
    cp->call("StopTransaction", stop_payload(tx, 3500, test_time(120'000)));

    auto cs = server.add_operator("sam", "customer_service");
    auto shown = server.call("GET", "/api/v1/transactions/" + std::to_string(tx), cs);
    REQUIRE(shown.status == 200);
    auto doc = AdminServer::parse(shown.body);
    CHECK(std::string(doc["id_tag"].GetString()) == "CUSTOMER-7");
    CHECK(doc["energy_wh"].GetInt64() == 2500);
    CHECK_FALSE(doc["open"].GetBool());
    REQUIRE(doc["meter_values"].Size() == 1);
    CHECK(std::string(doc["meter_values"][0]["value"].GetString()) == "1500");

    auto open = AdminServer::parse(server.call("GET", "/api/v1/transactions?open=1", cs).body);
    CHECK(open["items"].Size() == 0);
    TestDb db(server.csmsd->db_path());
    CHECK(db.rows("SELECT action, object, personal_data FROM audit_log WHERE operator_name = 'sam' AND status = 200 "
                  "ORDER BY audit_id") ==
          std::vector<TestDb::Row>{{"transactions.show", std::to_string(tx), "1"}, {"transactions.list", "", "0"}});
}

TEST_CASE("Admin API: an id tag blocked by an operator is refused at the charger", "[e2e][admin][id_tags]")
{
    TempDir dir;
    AdminServer server(dir);
    auto ops = server.add_operator("olga", "operations");
    auto added = server.call("POST", "/api/v1/id-tags", ops, R"({"id_tag":"CARD-1","expiry":"2999-01-01T00:00:00Z"})");
    REQUIRE(added.status == 201);
    CHECK(server.call("POST", "/api/v1/id-tags", ops, R"({"id_tag":"card-1"})").status == 409);
    auto cp = accepted_charger(server.csmsd->ws_port(), "TAG-CP");
    auto authorize = [&] { return result_string(cp->call("Authorize", R"({"idTag":"CARD-1"})"), "idTagInfo/status"); };
    CHECK(authorize() == "Accepted");
    auto blocked =
        server.call("PATCH", "/api/v1/id-tags/card-1", ops, R"({"status":"Blocked","parent_id_tag":"FLEET"})");
    REQUIRE(blocked.status == 200);
    auto doc = AdminServer::parse(blocked.body);
    CHECK(std::string(doc["status"].GetString()) == "Blocked");
    CHECK(std::string(doc["parent_id_tag"].GetString()) == "FLEET");
    CHECK(std::string(doc["expiry"].GetString()) == "2999-01-01T00:00:00.000Z");
    CHECK(authorize() == "Blocked");
    CHECK(server.call("PATCH", "/api/v1/id-tags/NOBODY", ops, R"({"status":"Blocked"})").status == 404);
    CHECK(server.call("PATCH", "/api/v1/id-tags/CARD-1", ops, R"({"status":"Maybe"})").status == 400);
    CHECK(server.call("PATCH", "/api/v1/id-tags/CARD-1", ops, R"({"expiry":"tomorrow"})").status == 400);
}

TEST_CASE("Admin API: a watcher gets a charger's connection, boot and status change as they happen",
          "[e2e][admin][events]")
{
    TempDir dir;
    AdminServer server(dir);
    auto now = AdminServer::parse(server.call("GET", "/api/v1/events", server.root_token).body);
    CHECK(now["items"].Size() == 0);
    std::string cursor = now["next"].GetString();
    auto cp = accepted_charger(server.csmsd->ws_port(), "WATCHED");
    cp->call("StatusNotification", R"({"connectorId":2,"errorCode":"HighTemperature","status":"Faulted"})");
    // Its connection and boot come first, perhaps in an answer of their own.
    std::vector<std::string> seen;
    for (int poll = 0; poll < 5 && seen.size() < 3; ++poll) {
        auto events =
            AdminServer::parse(server.call("GET", "/api/v1/events?wait=10&cursor=" + cursor, server.root_token).body);
        cursor = events["next"].GetString();
        for (const auto& e : events["items"].GetArray()) {
            CHECK(std::string(e["charger_id"].GetString()) == "WATCHED");
            std::string type = e["type"].GetString();
            if (type == "status") {
                CHECK(e["connector_id"].GetInt() == 2);
                type += std::string(" ") + e["status"].GetString() + " " + e["error_code"].GetString();
            }
            seen.push_back(type);
        }
    }
    CHECK(seen == std::vector<std::string>{"connected", "boot", "status Faulted HighTemperature"});
    // Nothing new: the long poll ends empty after its wait, with the same cursor.
    auto quiet =
        AdminServer::parse(server.call("GET", "/api/v1/events?wait=0&cursor=" + cursor, server.root_token).body);
    CHECK(quiet["items"].Size() == 0);
    CHECK(std::string(quiet["next"].GetString()) == cursor);
}

TEST_CASE("Admin API: with [admin] cert and key it speaks HTTPS only", "[e2e][admin][tls]")
{
    TempDir dir;
    const auto& certs = test_certs();
    auto config = dir.file("csmsd.toml");
    std::ofstream(config) << "[admin]\ncert = \"" << certs.server_cert() << "\"\nkey = \"" << certs.server_key()
                          << "\"\n";
    CsmsdOptions options;
    options.extra_args = {"--config", config};
    CsmsdProcess csmsd(dir, options);
    auto port = std::to_string(csmsd.admin_port());
    auto https = run_program({"/usr/bin/curl", "-sS", "--max-time", "10", "--cacert", certs.ca(), "-o", "/dev/null",
                              "-w", "%{http_code} %{ssl_verify_result}", "https://localhost:" + port + "/health"},
                             dir.file("curl.log"), std::chrono::seconds(20));
    CHECK(https.out == "200 0");
    // Plain HTTP on the same port gets no answer.
    CHECK(http_get(csmsd.admin_port(), "/health").status == 0);
}

TEST_CASE("Admin API: a charger registered and secured by an operator connects with its key and no other",
          "[e2e][admin][security]")
{
    TempDir dir;
    AdminServer server(dir, false); // production policy: unknown chargers are refused
    auto tech = server.add_operator("tina", "technical");
    auto ops = server.add_operator("omar", "operations");
    const std::string key = "0123456789abcdef0123";

    CHECK(server.call("PUT", "/api/v1/chargers/NEW-1/security", tech, R"({"profile":1})").status == 404);
    CHECK(server.call("POST", "/api/v1/chargers", tech, R"({"charger_id":"NEW-1"})").status == 403);
    REQUIRE(server.call("POST", "/api/v1/chargers", ops, R"({"charger_id":"NEW-1"})").status == 201);
    CHECK(server.call("POST", "/api/v1/chargers", ops, R"({"charger_id":"NEW-1"})").status == 409);
    CHECK(server.call("PUT", "/api/v1/chargers/NEW-1/security", ops, R"({"profile":1})").status == 403);
    CHECK(server.call("PUT", "/api/v1/chargers/NEW-1/security", tech, R"({"profile":1,"authorization_key":"short"})")
              .status == 400);
    auto secured = server.call("PUT", "/api/v1/chargers/NEW-1/security", tech,
                               R"({"profile":1,"authorization_key":")" + key + R"("})");
    REQUIRE(secured.status == 200);

    ConnectOptions right;
    right.authorization = basic_authorization("NEW-1", key);
    WsClient good;
    CHECK(good.connect(server.csmsd->ws_port(), "/ocpp/NEW-1", right).ok);
    ConnectOptions wrong;
    wrong.authorization = basic_authorization("NEW-1", "0123456789abcdef0124");
    WsClient bad;
    CHECK(bad.connect(server.csmsd->ws_port(), "/ocpp/NEW-1", wrong).http_status == 401);

    // The key is nowhere in clear: not in the database, not in the audit log.
    TestDb db(server.csmsd->db_path());
    CHECK(db.scalar("SELECT count(*) FROM charger_credentials WHERE authorization_key_hash LIKE 'pbkdf2-sha256$%'") ==
          1);
    CHECK(server.csmsd->log().find(key) == std::string::npos);
    CHECK(db.scalar("SELECT count(*) FROM audit_log WHERE path LIKE ? OR outcome LIKE ?",
                    {"%" + key + "%", "%" + key + "%"}) == 0);

    // Rejected by an operator: the charger is told so at boot.
    REQUIRE(server.call("PATCH", "/api/v1/chargers/NEW-1", ops, R"({"registration":"Rejected"})").status == 200);
    CHECK(result_string(good.call("BootNotification", boot_payload()), "status") == "Rejected");
}

TEST_CASE("Admin API: hostile requests get an error and the server keeps serving", "[e2e][admin][robustness]")
{
    TempDir dir;
    AdminServer server(dir);
    // Nested a million deep: refused before anything recurses over it.
    auto deep = server.call("POST", "/api/v1/id-tags", server.root_token, std::string(1'000'000, '['));
    CHECK(deep.status == 400);
    // Over the 1 MiB body limit.
    auto huge = server.call("POST", "/api/v1/id-tags", server.root_token,
                            R"({"id_tag":")" + std::string(2 * 1024 * 1024, 'x') + R"("})");
    // Refused with 413; a client still writing when the server closes may
    // see the reset before the answer, which is a refusal all the same.
    CHECK((huge.status == 413 || huge.status == 0));
    // Bytes that are not UTF-8, in the path and in the body.
    CHECK(server.call("GET", "/api/v1/%FF%FE", "").status == 400);
    CHECK(server.call("GET", "/api/v1/id-tags/%C0%AF", server.root_token).status == 400);
    CHECK(server.call("POST", "/api/v1/id-tags", server.root_token, "{\"id_tag\":\"\xff\"}").status == 400);
    // A long path is cut in its audit row.
    CHECK(server.call("GET", "/api/v1/" + std::string(4000, 'a'), "").status == 401);

    // Still serving, and the audit log still reads back as JSON.
    auto audit = server.call("GET", "/api/v1/audit?limit=500", server.root_token);
    REQUIRE(audit.status == 200);
    auto doc = AdminServer::parse(audit.body);
    CHECK(doc["items"].Size() >= 5);
    TestDb db(server.csmsd->db_path());
    CHECK(db.scalar("SELECT max(length(path)) FROM audit_log") < 300);
}

TEST_CASE("Admin API: nobody disables their own account or the last admin", "[e2e][admin]")
{
    TempDir dir;
    AdminServer server(dir);
    // Names are case-insensitive: "ROOT" is root.
    CHECK(server.call("POST", "/api/v1/operators/ROOT/disable", server.root_token).status == 409);
    auto second = server.add_operator("second-admin", "admin");
    CHECK(server.call("POST", "/api/v1/operators/second-admin/disable", server.root_token).status == 200);
    CHECK(server.call("GET", "/api/v1/whoami", second).status == 401);
    auto third = server.add_operator("third-admin", "admin");
    CHECK(server.call("POST", "/api/v1/operators/root/disable", third).status == 200);
    // third is now the last enabled admin, and may not disable itself.
    auto refused = server.call("POST", "/api/v1/operators/THIRD-ADMIN/disable", third);
    CHECK(refused.status == 409);
    CHECK(server.call("GET", "/api/v1/whoami", third).status == 200);
}

TEST_CASE("Admin API: a partners reload needs partners.manage and a csmsd started with a partners file",
          "[e2e][admin][partners]")
{
    TempDir dir;
    AdminServer server(dir); // no [proxy] partners
    auto technician = server.add_operator("tech", "technical");
    auto refused = server.call("POST", "/api/v1/partners/reload", technician, "{}");
    CHECK(refused.status == 403);
    CHECK(error_code_of(refused) == "forbidden");
    auto manager = server.add_operator("info", "information_management");
    auto without_file = server.call("POST", "/api/v1/partners/reload", manager, "{}");
    CHECK(without_file.status == 409);
    CHECK(error_code_of(without_file) == "no_partners_file");
}
