// Every way a charger's frame can be wrong, over a real socket: each gets the
// CALLERROR OCPP-J prescribes (with the charger's own id when readable), the
// session stays usable, and nothing reaches the database.
#include "support/charger.hpp"
#include "support/csmsd_process.hpp"
#include "support/test_db.hpp"

#include <catch2/catch.hpp>

using namespace csms::test;

namespace {

struct BadFrame {
    const char* what;
    std::string frame;
    const char* code;
    const char* echoed_id; // the unique id the CALLERROR must carry
    bool binary = false;
};

std::vector<BadFrame> bad_frames()
{
    const std::string ts = "\"2025-03-01T10:00:00Z\"";
    return {
        {"invalid JSON", R"([2,"j1","Heartbeat",{)", "FormationViolation", "-1"},
        {"trailing garbage after the array", R"([2,"j2","Heartbeat",{}] x)", "FormationViolation", "-1"},
        {"not an array", R"({"messageTypeId":2})", "ProtocolError", "-1"},
        {"empty array", "[]", "ProtocolError", "-1"},
        {"unknown message type 7", R"([7,"m7","Heartbeat",{}])", "ProtocolError", "m7"},
        {"unique id longer than 36", "[2,\"" + std::string(37, 'x') + "\",\"Heartbeat\",{}]", "ProtocolError", "-1"},
        {"CALL with 3 elements", R"([2,"e3","Heartbeat"])", "ProtocolError", "e3"},
        {"CALL payload not an object", R"([2,"p1","Heartbeat",[]])", "FormationViolation", "p1"},
        {"unknown action", R"([2,"u1","FooBar",{}])", "NotImplemented", "u1"},
        {"central-system action sent by a charger", R"([2,"r1","Reset",{"type":"Hard"}])", "NotSupported", "r1"},
        {"missing required field", R"([2,"o1","StatusNotification",{"connectorId":1,"errorCode":"NoError"}])",
         "OccurenceConstraintViolation", "o1"},
        {"field of the wrong type",
         R"([2,"t1","StatusNotification",{"connectorId":"1","errorCode":"NoError","status":"Available"}])",
         "TypeConstraintViolation", "t1"},
        {"idTag of 21 characters", R"([2,"l1","Authorize",{"idTag":"ABCDEFGHIJKLMNOPQRSTU"}])",
         "PropertyConstraintViolation", "l1"},
        {"value outside the enum",
         R"([2,"n1","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Flying"}])",
         "PropertyConstraintViolation", "n1"},
        {"extra property", R"([2,"x1","Heartbeat",{"foo":1}])", "FormationViolation", "x1"},
        {"impossible date-time",
         R"([2,"d1","StartTransaction",{"connectorId":1,"idTag":"TAG","meterStart":0,"timestamp":"2025-02-30T10:00:00Z"}])",
         "PropertyConstraintViolation", "d1"},
        {"date-time that is not one",
         R"([2,"d2","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Available","timestamp":"yesterday"}])",
         "PropertyConstraintViolation", "d2"},
        {"StartTransaction on connector 0",
         R"([2,"c0","StartTransaction",{"connectorId":0,"idTag":"TAG","meterStart":0,"timestamp":)" + ts + "}]",
         "PropertyConstraintViolation", "c0"},
        {"StartTransaction with a negative meterStart",
         R"([2,"c1","StartTransaction",{"connectorId":1,"idTag":"TAG","meterStart":-5,"timestamp":)" + ts + "}]",
         "PropertyConstraintViolation", "c1"},
        {"StatusNotification on a negative connector",
         R"([2,"c2","StatusNotification",{"connectorId":-1,"errorCode":"NoError","status":"Available"}])",
         "PropertyConstraintViolation", "c2"},
        {"StopTransaction with a negative meterStop",
         R"([2,"c3","StopTransaction",{"transactionId":1,"meterStop":-1,"timestamp":)" + ts + "}]",
         "PropertyConstraintViolation", "c3"},
        {"MeterValues with a connectorId past int",
         R"([2,"mv1","MeterValues",{"connectorId":2147483648,"meterValue":[{"timestamp":)" + ts +
             R"(,"sampledValue":[{"value":"1"}]}]}])",
         "PropertyConstraintViolation", "mv1"},
        {"binary frame", R"([2,"b1","Heartbeat",{}])", "FormationViolation", "b1", true},
        {"binary frame that is not JSON", std::string("\x01\x02\xff", 3), "FormationViolation", "-1", true},
    };
}

} // namespace

TEST_CASE("CALLERROR: every error code over the wire, the session stays usable", "[e2e][ocpp][errors]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    auto charger = accepted_charger(csmsd.ws_port(), "ERRORS-1");

    for (const auto& bad : bad_frames()) {
        INFO(bad.what << ": " << bad.frame);
        REQUIRE((bad.binary ? charger->send_binary(bad.frame) : charger->send_text(bad.frame)));
        auto answer = charger->read(std::chrono::seconds(5));
        REQUIRE(answer.status == ReadStatus::message);
        CHECK_FALSE(answer.binary);
        rapidjson::Document doc;
        doc.Parse(answer.text.c_str());
        INFO("answer: " << answer.text);
        REQUIRE_FALSE(doc.HasParseError());
        REQUIRE(is_call_error(doc));
        CHECK(error_code(doc) == bad.code);
        CHECK(unique_id(doc) == bad.echoed_id);
        CHECK(doc[3].IsString());
        CHECK(doc[4].IsObject());
        CHECK(doc[4].ObjectEmpty());

        // Still the same healthy session.
        auto heartbeat = charger->call("Heartbeat", "{}");
        CHECK(is_call_result(heartbeat));
        CHECK_FALSE(result_string(heartbeat, "currentTime").empty());
    }
    CHECK(charger->unmatched().empty());

    TestDb db(csmsd.db_path());
    CHECK(db.count("transactions") == 0);
    CHECK(db.count("status_history") == 0);
    CHECK(db.count("connector_status") == 0);
    CHECK(db.count("meter_values") == 0);
    CHECK(db.count("unmatched_stops") == 0);
    CHECK(db.count("data_transfers") == 0);
    CHECK(db.count("chargers") == 1);
}

TEST_CASE("CALLRESULT and CALLERROR the server never asked for are ignored", "[e2e][ocpp][errors]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    auto charger = accepted_charger(csmsd.ws_port(), "STRAY-1");
    REQUIRE(charger->send_text(R"([3,"never-sent",{}])"));
    REQUIRE(charger->send_text(R"([4,"never-sent","GenericError","",{}])"));
    // Answers go out in order; had either stray frame been answered, that
    // answer would come before the Heartbeat's.
    auto heartbeat = charger->call("Heartbeat", "{}");
    CHECK(is_call_result(heartbeat));
    CHECK(charger->unmatched().empty());
}

TEST_CASE("A CALL resent with the same id while pending is answered once", "[e2e][ocpp]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    auto charger = accepted_charger(csmsd.ws_port(), "DUP-1");
    const std::string frame = R"([2,"same-id","Heartbeat",{}])";
    REQUIRE(charger->send_text(frame));
    REQUIRE(charger->send_text(frame));
    auto first = charger->read(std::chrono::seconds(5));
    REQUIRE(first.status == ReadStatus::message);
    auto next = charger->call("Heartbeat", "{}");
    CHECK(is_call_result(next));
    // Either the duplicate was dropped while the first was pending, or it came
    // after the first was answered and got its own answer: never an error.
    for (const auto& extra : charger->unmatched()) {
        rapidjson::Document doc;
        doc.Parse(extra.c_str());
        INFO(extra);
        CHECK(is_call_result(doc));
        CHECK(unique_id(doc) == "same-id");
    }
}
