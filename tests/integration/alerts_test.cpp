// The alert lifecycle as operators meet it: a charger's critical security
// event raises an alert, operators list and acknowledge it over the admin
// API and with csmsctl, and the roles decide who may.
#include "support/admin_server.hpp"
#include "support/charger.hpp"
#include "support/csmsctl_run.hpp"
#include "support/csmsd_process.hpp"
#include "support/http_get.hpp"
#include "support/test_db.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <string>
#include <vector>

using namespace csms::test;
using namespace std::chrono_literals;

namespace {

// The dir the server lives in, made before the server (a base constructed first).
struct OwnDir {
    TempDir dir;
};

// csmsd (dev mode) with a bootstrapped admin "root", plus csmsctl and a
// tampering charger.
struct AlertServer : OwnDir, AdminServer {
    AlertServer() : AdminServer(dir) {}

    // A connected, accepted charger reports a critical security event.
    void report_tamper(const std::string& charger_id)
    {
        auto charger = accepted_charger(csmsd->ws_port(), charger_id);
        auto reply = charger->call("SecurityEventNotification",
                                   R"({"type":"TamperDetectionActivated","timestamp":"2026-01-01T00:00:00Z"})");
        if (!is_call_result(reply)) {
            throw std::runtime_error("SecurityEventNotification answered with " + to_json(reply));
        }
    }

    ProcessResult ctl(const std::vector<std::string>& args, const std::string& token_file_path)
    {
        return run_csmsctl(dir, csmsd->admin_port(), token_file_path, args);
    }
};

} // namespace

TEST_CASE("Alerts: a critical security event is listed open and operations acknowledges it once", "[e2e][alerts]")
{
    AlertServer server;
    auto operations = server.add_operator("olga", "operations");
    auto service = server.add_operator("carl", "customer_service");
    server.report_tamper("CP-A1");

    // The CALLRESULT left after the commit: the alert is there.
    auto list = server.call("GET", "/api/v1/alerts?state=open", service);
    REQUIRE(list.status == 200);
    auto doc = AlertServer::parse(list.body);
    REQUIRE(doc["items"].Size() == 1);
    const auto& item = doc["items"][0];
    CHECK(std::string(item["state"].GetString()) == "open");
    CHECK(std::string(item["severity"].GetString()) == "critical");
    CHECK(std::string(item["charger_id"].GetString()) == "CP-A1");
    CHECK(item["rule"].IsNull());
    auto id = std::to_string(item["alert_id"].GetInt64());

    CHECK(server.call("GET", "/api/v1/alerts/" + id, service).status == 200);
    CHECK(server.call("GET", "/api/v1/alerts/99999", service).status == 404);
    CHECK(server.call("GET", "/api/v1/alerts/x", service).status == 404);
    CHECK(server.call("GET", "/api/v1/alerts?state=bogus", service).status == 400);
    CHECK(AlertServer::parse(server.call("GET", "/api/v1/alerts?charger=CP-other", service).body)["items"].Size() == 0);
    auto critical = server.call("GET", "/api/v1/alerts?severity=critical&charger=CP-A1", service);
    CHECK(AlertServer::parse(critical.body)["items"].Size() == 1);

    auto refused = server.call("POST", "/api/v1/alerts/" + id + "/ack", service, R"({"note":"not mine"})");
    CHECK(refused.status == 403);
    CHECK(error_code_of(refused) == "forbidden");

    CHECK(server.call("POST", "/api/v1/alerts/99999/ack", operations, "{}").status == 404);
    CHECK(server.call("POST", "/api/v1/alerts/" + id + "/ack", operations, R"({"note":7})").status == 400);

    auto ack = server.call("POST", "/api/v1/alerts/" + id + "/ack", operations, R"({"note":"technician sent"})");
    REQUIRE(ack.status == 200);
    auto acked = AlertServer::parse(ack.body);
    CHECK(std::string(acked["state"].GetString()) == "acknowledged");
    CHECK(std::string(acked["acknowledged_by"].GetString()) == "olga");
    CHECK(std::string(acked["ack_note"].GetString()) == "technician sent");

    auto twice = server.call("POST", "/api/v1/alerts/" + id + "/ack", server.root_token, "{}");
    CHECK(twice.status == 409);
    CHECK(error_code_of(twice) == "already_acknowledged");

    CHECK(AlertServer::parse(server.call("GET", "/api/v1/alerts?state=open", service).body)["items"].Size() == 0);
    CHECK(AlertServer::parse(server.call("GET", "/api/v1/alerts?state=acknowledged", service).body)["items"].Size() ==
          1);

    TestDb db(server.csmsd->db_path());
    CHECK(db.rows("SELECT operator_name, status, outcome FROM audit_log WHERE action = 'alerts.ack' AND object = ? "
                  "ORDER BY audit_id",
                  {id}) == std::vector<TestDb::Row>{{"olga", "400", "bad_request"},
                                                    {"olga", "200", "ok"},
                                                    {"root", "409", "already_acknowledged"}});
    CHECK(db.scalar("SELECT count(*) FROM audit_log WHERE action = 'alerts.ack' AND status = 403") == 1);
}

TEST_CASE("Alerts: csmsctl alerts list show and ack end to end", "[e2e][alerts][csmsctl]")
{
    AlertServer server;
    server.report_tamper("CP-B1");

    auto list = server.ctl({"alerts", "list", "--state", "open"}, server.root_token_file());
    REQUIRE(list.status.success());
    CHECK_THAT(list.out, Catch::Contains("ID") && Catch::Contains("STATE") && Catch::Contains("CP-B1") &&
                             Catch::Contains("critical") && Catch::Contains("open"));

    auto json = server.ctl({"--json", "alerts", "list", "--charger", "CP-B1"}, server.root_token_file());
    REQUIRE(json.status.success());
    auto doc = AlertServer::parse(json.out);
    REQUIRE(doc["items"].Size() == 1);
    auto id = std::to_string(doc["items"][0]["alert_id"].GetInt64());

    auto show = server.ctl({"alerts", "show", id}, server.root_token_file());
    REQUIRE(show.status.success());
    CHECK_THAT(show.out, Catch::Contains("state: open"));

    auto ack = server.ctl({"alerts", "ack", id, "--note", "replacing the lid"}, server.root_token_file());
    REQUIRE(ack.status.success());
    CHECK_THAT(ack.out, Catch::Contains("state: acknowledged") && Catch::Contains("replacing the lid"));

    auto again = server.ctl({"alerts", "ack", id}, server.root_token_file());
    CHECK_FALSE(again.status.success());
    CHECK_THAT(again.errors, Catch::Contains("already_acknowledged"));

    auto acknowledged = server.ctl({"alerts", "list", "--state", "acknowledged"}, server.root_token_file());
    REQUIRE(acknowledged.status.success());
    CHECK_THAT(acknowledged.out, Catch::Contains("CP-B1") && Catch::Contains("root"));
}
