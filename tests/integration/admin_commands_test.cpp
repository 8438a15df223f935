// Operators' commands to chargers end to end: a real csmsd, its admin API
// over HTTP, and a charger played by a WebSocket client that answers (or
// does not answer) the CALLs csmsd sends it.
#include "support/admin_bootstrap.hpp"
#include "support/charger.hpp"
#include "support/csmsd_process.hpp"
#include "support/http_get.hpp"
#include "support/test_db.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <future>

using namespace csms::test;

namespace {

rapidjson::Document parse(const std::string& text)
{
    rapidjson::Document doc;
    doc.Parse(text.c_str(), text.size());
    return doc;
}

// csmsd with a bootstrapped admin ("root") and its token.
struct Csms {
    TempDir dir;
    std::string token;
    std::unique_ptr<CsmsdProcess> process;

    explicit Csms(std::vector<std::string> extra_args = {})
    {
        auto db = dir.file("csms.db");
        token = bootstrap_admin(dir, db, dir.file("token"));
        REQUIRE_FALSE(token.empty());
        CsmsdOptions options;
        options.db_path = db;
        options.extra_args = std::move(extra_args);
        process = std::make_unique<CsmsdProcess>(dir, options);
    }

    HttpResult request(const std::string& method, const std::string& target, const std::string& body = "",
                       const std::string& as = "")
    {
        return http_request(process->admin_port(), method, target, body, as.empty() ? token : as);
    }

    // POSTs a command in the background; the test thread plays the charger.
    std::future<HttpResult> command_async(const std::string& charger, const std::string& action,
                                          const std::string& payload, const std::string& as = "")
    {
        return std::async(std::launch::async, [this, charger, action, payload, as] {
            return request("POST", "/api/v1/chargers/" + charger + "/commands/" + action, payload, as);
        });
    }

    // A new operator with this role; returns its token.
    std::string add_operator(const std::string& name, const std::string& role)
    {
        auto created = request("POST", "/api/v1/operators", JsonObject().set("name", name).set("role", role).str());
        INFO(created.body);
        REQUIRE(created.status == 201);
        return parse(created.body)["token"].GetString();
    }
};

std::string error_code(const HttpResult& r)
{
    auto body = parse(r.body);
    if (!body.IsObject() || !body.HasMember("error")) {
        return "<no error: " + r.body + ">";
    }
    return body["error"]["code"].GetString();
}

struct Exchange {
    HttpResult http;
    rapidjson::Document call; // what the charger received
};

// One command that the charger answers with `response`.
Exchange round_trip(Csms& csms, WsClient& charger, const std::string& charger_id, const std::string& action,
                    const std::string& payload, const std::string& response, const std::string& as = "")
{
    auto pending = csms.command_async(charger_id, action, payload, as);
    Exchange out{{}, next_call(charger)};
    answer_call(charger, out.call, response);
    out.http = pending.get();
    return out;
}

struct CommandCase {
    const char* action;
    const char* request;
    const char* response;
};

const char* charging_profile_request =
    R"({"connectorId":1,"csChargingProfiles":{"chargingProfileId":100,"stackLevel":0,)"
    R"("chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute",)"
    R"("chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":16.0}]}}})";

const CommandCase every_command[] = {
    {"RemoteStartTransaction", R"({"connectorId":1,"idTag":"TAG1"})", R"({"status":"Accepted"})"},
    {"RemoteStopTransaction", R"({"transactionId":7})", R"({"status":"Rejected"})"},
    {"Reset", R"({"type":"Soft"})", R"({"status":"Accepted"})"},
    {"UnlockConnector", R"({"connectorId":1})", R"({"status":"Unlocked"})"},
    {"ChangeAvailability", R"({"connectorId":0,"type":"Inoperative"})", R"({"status":"Scheduled"})"},
    {"ChangeConfiguration", R"({"key":"HeartbeatInterval","value":"120"})", R"({"status":"Accepted"})"},
    {"GetConfiguration", R"({"key":["HeartbeatInterval"]})",
     R"({"configurationKey":[{"key":"HeartbeatInterval","readonly":false,"value":"120"}],"unknownKey":[]})"},
    {"ClearCache", "{}", R"({"status":"Accepted"})"},
    {"TriggerMessage", R"({"requestedMessage":"StatusNotification","connectorId":1})", R"({"status":"Accepted"})"},
    {"GetDiagnostics", R"({"location":"ftp://diagnostics.example.com/upload","retries":2})",
     R"({"fileName":"diagnostics.log"})"},
    {"UpdateFirmware", R"({"location":"https://fw.example.com/fw.bin","retrieveDate":"2030-01-01T00:00:00Z"})", "{}"},
    {"SendLocalList",
     R"({"listVersion":2,"updateType":"Full","localAuthorizationList":[{"idTag":"TAG1","idTagInfo":{"status":"Accepted"}}]})",
     R"({"status":"Accepted"})"},
    {"GetLocalListVersion", "{}", R"({"listVersion":2})"},
    {"ReserveNow", R"({"connectorId":1,"expiryDate":"2030-01-01T00:00:00Z","idTag":"TAG1","reservationId":3})",
     R"({"status":"Accepted"})"},
    {"CancelReservation", R"({"reservationId":3})", R"({"status":"Accepted"})"},
    {"SetChargingProfile", charging_profile_request, R"({"status":"Accepted"})"},
    {"ClearChargingProfile", R"({"id":100})", R"({"status":"Accepted"})"},
    {"GetCompositeSchedule", R"({"connectorId":1,"duration":3600})", R"({"status":"Rejected"})"},
    {"DataTransfer", R"({"vendorId":"com.example","messageId":"ping","data":"x"})",
     R"({"status":"Accepted","data":"pong"})"},
    {"ExtendedTriggerMessage", R"({"requestedMessage":"Heartbeat"})", R"({"status":"Accepted"})"},
    {"CertificateSigned", R"({"certificateChain":"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"})",
     R"({"status":"Accepted"})"},
    {"InstallCertificate",
     R"({"certificateType":"CentralSystemRootCertificate","certificate":"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"})",
     R"({"status":"Accepted"})"},
    {"DeleteCertificate",
     R"({"certificateHashData":{"hashAlgorithm":"SHA256","issuerNameHash":"aa","issuerKeyHash":"bb","serialNumber":"01"}})",
     R"({"status":"NotFound"})"},
    {"GetInstalledCertificateIds", R"({"certificateType":"ManufacturerRootCertificate"})", R"({"status":"NotFound"})"},
    {"GetLog", R"({"logType":"SecurityLog","requestId":4,"log":{"remoteLocation":"https://logs.example.com/"}})",
     R"({"status":"Accepted","filename":"security.log"})"},
    {"SignedUpdateFirmware",
     R"({"requestId":5,"firmware":{"location":"https://fw.example.com/fw.bin","retrieveDateTime":"2030-01-01T00:00:00Z",)"
     R"("signingCertificate":"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n","signature":"c2ln"}})",
     R"({"status":"Accepted"})"},
};

std::string status_of(const rapidjson::Value& response)
{
    return response.HasMember("status") ? response["status"].GetString() : "<none>";
}

} // namespace

TEST_CASE("admin commands: every OCPP 1.6 command travels to the charger and its answer comes back",
          "[integration][admin][commands]")
{
    Csms csms;
    auto charger = accepted_charger(csms.process->ws_port(), "CP1");
    for (const auto& c : every_command) {
        INFO(c.action);
        auto exchange = round_trip(csms, *charger, "CP1", c.action, c.request, c.response);
        CHECK(std::string(exchange.call[2].GetString()) == c.action);
        CHECK(exchange.call[3] == parse(c.request));
        INFO(exchange.http.body);
        REQUIRE(exchange.http.status == 200);
        auto body = parse(exchange.http.body);
        CHECK(body["command_id"].GetInt64() > 0);
        CHECK(std::string(body["charger_id"].GetString()) == "CP1");
        CHECK(std::string(body["action"].GetString()) == c.action);
        CHECK(std::string(body["outcome"].GetString()) == "result");
        auto expected = parse(c.response);
        CHECK(body["response"] == expected);
        if (expected.HasMember("status")) {
            CHECK(std::string(body["status"].GetString()) == status_of(expected));
        } else {
            CHECK(body["status"].IsNull());
        }
    }
    TestDb db(csms.process->db_path());
    CHECK(db.count("commands") == static_cast<std::int64_t>(std::size(every_command)));
    CHECK(db.scalar("SELECT count(*) FROM audit_log WHERE action LIKE 'commands.%' AND status = 200") ==
          static_cast<std::int64_t>(std::size(every_command)));
    CHECK(db.rows("SELECT outcome FROM audit_log WHERE action = 'commands.UnlockConnector'") ==
          std::vector<TestDb::Row>{{"Unlocked"}});
}

TEST_CASE("admin commands: a charger that is not connected gives 409 not_connected and a history row",
          "[integration][admin][commands]")
{
    Csms csms;
    auto r = csms.request("POST", "/api/v1/chargers/NOBODY/commands/Reset", R"({"type":"Hard"})");
    INFO(r.body);
    CHECK(r.status == 409);
    CHECK(error_code(r) == "not_connected");
    TestDb db(csms.process->db_path());
    CHECK(db.rows("SELECT charger_id, action, outcome, operator_name, request FROM commands") ==
          std::vector<TestDb::Row>{{"NOBODY", "Reset", "not_connected", "root", R"({"type":"Hard"})"}});
    CHECK(db.rows("SELECT outcome, status FROM audit_log WHERE action = 'commands.Reset'") ==
          std::vector<TestDb::Row>{{"not_connected", "409"}});
}

TEST_CASE("admin commands: a charger that never answers gives 504 timed_out", "[integration][admin][commands]")
{
    TempDir config_dir;
    auto config = config_dir.file("csmsd.toml");
    std::ofstream(config) << "[ocpp]\ncall_timeout_s = 1\n";
    Csms csms({"--config", config});
    auto charger = accepted_charger(csms.process->ws_port(), "CP1");
    auto pending = csms.command_async("CP1", "Reset", R"({"type":"Soft"})");
    auto call = next_call(*charger); // and never answered
    CHECK(std::string(call[2].GetString()) == "Reset");
    auto r = pending.get();
    INFO(r.body);
    CHECK(r.status == 504);
    CHECK(error_code(r) == "timed_out");
    TestDb db(csms.process->db_path());
    CHECK(db.rows("SELECT outcome, response FROM commands") == std::vector<TestDb::Row>{{"timeout", ""}});
}

TEST_CASE("admin commands: a CALLERROR from the charger gives 502 charger_error", "[integration][admin][commands]")
{
    Csms csms;
    auto charger = accepted_charger(csms.process->ws_port(), "CP1");
    auto pending = csms.command_async("CP1", "GetDiagnostics", R"({"location":"ftp://example.com/"})");
    auto call = next_call(*charger);
    REQUIRE(charger->send_text(std::string("[4,\"") + call[1].GetString() +
                               "\",\"NotSupported\",\"no diagnostics here\",{}]"));
    auto r = pending.get();
    INFO(r.body);
    CHECK(r.status == 502);
    CHECK(error_code(r) == "charger_error");
    CHECK(std::string(parse(r.body)["error"]["message"].GetString())
              .find("charger answered NotSupported: no diagnostics here") != std::string::npos);
    TestDb db(csms.process->db_path());
    CHECK(db.rows("SELECT outcome, response FROM commands") ==
          std::vector<TestDb::Row>{
              {"call_error", R"({"errorCode":"NotSupported","errorDescription":"no diagnostics here"})"}});
    CHECK(db.rows("SELECT outcome FROM audit_log WHERE action = 'commands.GetDiagnostics'") ==
          std::vector<TestDb::Row>{{"CALLERROR NotSupported"}});
}

TEST_CASE("admin commands: an invalid payload or an unknown action is refused and nothing is sent",
          "[integration][admin][commands]")
{
    Csms csms;
    auto charger = accepted_charger(csms.process->ws_port(), "CP1");

    auto invalid = csms.request("POST", "/api/v1/chargers/CP1/commands/Reset", R"({"type":"Sideways"})");
    INFO(invalid.body);
    CHECK(invalid.status == 400);
    CHECK(error_code(invalid) == "invalid_payload");
    CHECK(std::string(parse(invalid.body)["error"]["message"].GetString()).find("/type") != std::string::npos);

    auto missing = csms.request("POST", "/api/v1/chargers/CP1/commands/UnlockConnector", "{}");
    CHECK(missing.status == 400);
    CHECK(error_code(missing) == "invalid_payload");

    auto not_json = csms.request("POST", "/api/v1/chargers/CP1/commands/ClearCache", "[]");
    CHECK(not_json.status == 400);
    CHECK(error_code(not_json) == "bad_request");

    auto unknown = csms.request("POST", "/api/v1/chargers/CP1/commands/BootNotification", "{}");
    CHECK(unknown.status == 400);
    CHECK(error_code(unknown) == "unknown_action");

    // The first CALL the charger sees is the valid command that follows.
    auto exchange = round_trip(csms, *charger, "CP1", "ClearCache", "{}", R"({"status":"Accepted"})");
    CHECK(std::string(exchange.call[2].GetString()) == "ClearCache");
    CHECK(exchange.http.status == 200);
    TestDb db(csms.process->db_path());
    CHECK(db.rows("SELECT action FROM commands") == std::vector<TestDb::Row>{{"ClearCache"}});
    CHECK(db.scalar("SELECT count(*) FROM audit_log WHERE outcome = 'invalid_payload' AND status = 400") == 2);
}

TEST_CASE("admin commands: the operations role may unlock a connector but not reset", "[integration][admin][commands]")
{
    Csms csms;
    auto ops = csms.add_operator("ops", "operations");
    auto charger = accepted_charger(csms.process->ws_port(), "CP1");

    auto reset = csms.request("POST", "/api/v1/chargers/CP1/commands/Reset", R"({"type":"Soft"})", ops);
    CHECK(reset.status == 403);
    CHECK(error_code(reset) == "forbidden");

    auto unlock =
        round_trip(csms, *charger, "CP1", "UnlockConnector", R"({"connectorId":1})", R"({"status":"Unlocked"})", ops);
    INFO(unlock.http.body);
    CHECK(unlock.http.status == 200);
    TestDb db(csms.process->db_path());
    CHECK(db.rows("SELECT action, operator_name FROM commands") ==
          std::vector<TestDb::Row>{{"UnlockConnector", "ops"}});

    auto support = csms.add_operator("carol", "customer_service");
    CHECK(csms.request("GET", "/api/v1/commands", "", support).status == 403);
}

TEST_CASE("admin commands: the history lists commands newest first with cursor pages and filters",
          "[integration][admin][commands]")
{
    Csms csms;
    auto charger = accepted_charger(csms.process->ws_port(), "CP1");
    round_trip(csms, *charger, "CP1", "ClearCache", "{}", R"({"status":"Accepted"})");
    round_trip(csms, *charger, "CP1", "Reset", R"({"type":"Soft"})", R"({"status":"Rejected"})");
    round_trip(csms, *charger, "CP1", "UnlockConnector", R"({"connectorId":2})", R"({"status":"UnlockFailed"})");
    CHECK(csms.request("POST", "/api/v1/chargers/CP2/commands/Reset", R"({"type":"Hard"})").status == 409);

    auto page1 = parse(csms.request("GET", "/api/v1/commands?limit=3").body);
    REQUIRE(page1["items"].Size() == 3);
    CHECK(std::string(page1["items"][0]["charger_id"].GetString()) == "CP2");
    CHECK(std::string(page1["items"][0]["outcome"].GetString()) == "not_connected");
    CHECK(page1["items"][0]["response"].IsNull());
    const auto& unlock = page1["items"][1];
    CHECK(std::string(unlock["action"].GetString()) == "UnlockConnector");
    CHECK(unlock["request"] == parse(R"({"connectorId":2})"));
    CHECK(unlock["response"] == parse(R"({"status":"UnlockFailed"})"));
    CHECK(std::string(unlock["status"].GetString()) == "UnlockFailed");
    CHECK(std::string(unlock["operator"].GetString()) == "root");
    CHECK(unlock["requested_at"].IsString());
    CHECK(unlock["finished_at"].IsString());
    CHECK(std::string(page1["items"][2]["action"].GetString()) == "Reset");
    REQUIRE(page1["next"].IsString());

    auto page2 =
        parse(csms.request("GET", std::string("/api/v1/commands?limit=3&cursor=") + page1["next"].GetString()).body);
    REQUIRE(page2["items"].Size() == 1);
    CHECK(std::string(page2["items"][0]["action"].GetString()) == "ClearCache");
    CHECK(page2["next"].IsNull());

    auto resets = parse(csms.request("GET", "/api/v1/commands?action=Reset").body);
    CHECK(resets["items"].Size() == 2);
    auto cp1 = parse(csms.request("GET", "/api/v1/commands?charger=CP1&action=Reset").body);
    REQUIRE(cp1["items"].Size() == 1);

    auto id = cp1["items"][0]["command_id"].GetInt64();
    auto one = csms.request("GET", "/api/v1/commands/" + std::to_string(id));
    REQUIRE(one.status == 200);
    auto item = parse(one.body);
    CHECK(item["command_id"].GetInt64() == id);
    CHECK(std::string(item["status"].GetString()) == "Rejected");
    CHECK(csms.request("GET", "/api/v1/commands/99999").status == 404);
    CHECK(csms.request("GET", "/api/v1/commands/abc").status == 404);
}

TEST_CASE("admin commands: accepted commands update reservations profiles local list and configuration",
          "[integration][admin][commands]")
{
    Csms csms;
    auto charger = accepted_charger(csms.process->ws_port(), "CP1");
    TestDb db(csms.process->db_path());

    SECTION("ReserveNow then a StartTransaction on the reservation")
    {
        auto reserved = round_trip(csms, *charger, "CP1", "ReserveNow",
                                   R"({"connectorId":1,"expiryDate":"2030-01-01T00:00:00Z","idTag":"TAG1",)"
                                   R"("reservationId":11})",
                                   R"({"status":"Accepted"})");
        REQUIRE(reserved.http.status == 200);
        CHECK(
            db.rows("SELECT reservation_id, connector_id, id_tag, state FROM reservations WHERE charger_id = 'CP1'") ==
            std::vector<TestDb::Row>{{"11", "1", "TAG1", "active"}});

        auto start = charger->call("StartTransaction", JsonObject()
                                                           .set("connectorId", 1)
                                                           .set("idTag", "TAG1")
                                                           .set("meterStart", 0)
                                                           .set("reservationId", 11)
                                                           .set("timestamp", test_time(0))
                                                           .str());
        REQUIRE(is_call_result(start));
        auto transaction_id = std::to_string(start[2]["transactionId"].GetInt64());
        CHECK(db.rows("SELECT state, transaction_id FROM reservations WHERE reservation_id = 11") ==
              std::vector<TestDb::Row>{{"used", transaction_id}});
    }
    SECTION("SetChargingProfile then ClearChargingProfile")
    {
        REQUIRE(round_trip(csms, *charger, "CP1", "SetChargingProfile", charging_profile_request,
                           R"({"status":"Accepted"})")
                    .http.status == 200);
        CHECK(db.rows("SELECT connector_id, profile_id, stack_level, purpose FROM charging_profiles") ==
              std::vector<TestDb::Row>{{"1", "100", "0", "TxDefaultProfile"}});
        auto stored = parse(db.rows("SELECT profile FROM charging_profiles")[0][0]);
        CHECK(stored == parse(charging_profile_request)["csChargingProfiles"]);

        REQUIRE(round_trip(csms, *charger, "CP1", "ClearChargingProfile", R"({"chargingProfilePurpose":"TxProfile"})",
                           R"({"status":"Accepted"})")
                    .http.status == 200);
        CHECK(db.count("charging_profiles") == 1);
        REQUIRE(round_trip(csms, *charger, "CP1", "ClearChargingProfile", R"({"id":100})", R"({"status":"Accepted"})")
                    .http.status == 200);
        CHECK(db.count("charging_profiles") == 0);
    }
    SECTION("SendLocalList then GetLocalListVersion")
    {
        REQUIRE(round_trip(csms, *charger, "CP1", "SendLocalList", R"({"listVersion":4,"updateType":"Full"})",
                           R"({"status":"Accepted"})")
                    .http.status == 200);
        CHECK(db.rows("SELECT sent_version, reported_version FROM local_list_versions WHERE charger_id = 'CP1'") ==
              std::vector<TestDb::Row>{{"4", ""}});
        REQUIRE(round_trip(csms, *charger, "CP1", "GetLocalListVersion", "{}", R"({"listVersion":3})").http.status ==
                200);
        CHECK(db.rows("SELECT sent_version, reported_version FROM local_list_versions WHERE charger_id = 'CP1'") ==
              std::vector<TestDb::Row>{{"4", "3"}});
    }
    SECTION("GetConfiguration then ChangeConfiguration")
    {
        REQUIRE(round_trip(csms, *charger, "CP1", "GetConfiguration", "{}",
                           R"({"configurationKey":[{"key":"HeartbeatInterval","readonly":false,"value":"300"},)"
                           R"({"key":"NumberOfConnectors","readonly":true,"value":"2"}]})")
                    .http.status == 200);
        CHECK(db.rows("SELECT key, value, readonly FROM charger_configuration WHERE charger_id = 'CP1' ORDER BY key") ==
              std::vector<TestDb::Row>{{"HeartbeatInterval", "300", "0"}, {"NumberOfConnectors", "2", "1"}});
        REQUIRE(round_trip(csms, *charger, "CP1", "ChangeConfiguration", R"({"key":"HeartbeatInterval","value":"60"})",
                           R"({"status":"Accepted"})")
                    .http.status == 200);
        REQUIRE(round_trip(csms, *charger, "CP1", "ChangeConfiguration", R"({"key":"NumberOfConnectors","value":"3"})",
                           R"({"status":"Rejected"})")
                    .http.status == 200);
        CHECK(db.rows("SELECT key, value FROM charger_configuration WHERE charger_id = 'CP1' ORDER BY key") ==
              std::vector<TestDb::Row>{{"HeartbeatInterval", "60"}, {"NumberOfConnectors", "2"}});
    }
}

TEST_CASE("admin commands: an AuthorizationKey and URL passwords reach the charger but never the history",
          "[integration][admin][commands][secrets]")
{
    Csms csms;
    auto charger = accepted_charger(csms.process->ws_port(), "CP-SECRET");
    const std::string key = "SuperSecretKey-123456";
    auto set = round_trip(csms, *charger, "CP-SECRET", "ChangeConfiguration",
                          R"({"key":"AuthorizationKey","value":")" + key + R"("})", R"({"status":"Accepted"})");
    CHECK(set.http.status == 200);
    CHECK(std::string(set.call[3]["value"].GetString()) == key); // the charger got the real key
    auto reported =
        round_trip(csms, *charger, "CP-SECRET", "GetConfiguration", "{}",
                   R"({"configurationKey":[{"key":"AuthorizationKey","readonly":false,"value":")" + key + R"("}]})");
    CHECK(reported.http.status == 200);
    CHECK(reported.http.body.find(key) == std::string::npos);
    auto diagnostics =
        round_trip(csms, *charger, "CP-SECRET", "GetDiagnostics",
                   R"({"location":"ftp://upload:pa55word@files.example.com/diag"})", R"({"fileName":"d.log"})");
    CHECK(std::string(diagnostics.call[3]["location"].GetString()) == "ftp://upload:pa55word@files.example.com/diag");

    auto history = csms.request("GET", "/api/v1/commands?charger=CP-SECRET", "");
    REQUIRE(history.status == 200);
    CHECK(history.body.find(key) == std::string::npos);
    CHECK(history.body.find("pa55word") == std::string::npos);
    CHECK(history.body.find("ftp://********@files.example.com/diag") != std::string::npos);
    auto shown = csms.request("GET", "/api/v1/chargers/CP-SECRET", "");
    CHECK(shown.body.find(key) == std::string::npos);
    TestDb db(csms.process->db_path());
    CHECK(db.scalar("SELECT count(*) FROM commands WHERE request LIKE ? OR response LIKE ?",
                    {"%" + key + "%", "%" + key + "%"}) == 0);
    CHECK(db.scalar("SELECT count(*) FROM charger_configuration WHERE value LIKE ?", {"%" + key + "%"}) == 0);
    CHECK(csms.process->log().find(key) == std::string::npos);
}
