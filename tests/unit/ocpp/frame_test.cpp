#include "ocpp/frame.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

using namespace csms::ocpp;

namespace {

Frame parse_ok(std::string_view text)
{
    auto result = parse_frame(text);
    INFO(text);
    REQUIRE(std::holds_alternative<Frame>(result));
    return std::move(std::get<Frame>(result));
}

FrameError parse_err(std::string_view text)
{
    auto result = parse_frame(text);
    INFO(text);
    REQUIRE(std::holds_alternative<FrameError>(result));
    return std::get<FrameError>(result);
}

rapidjson::Document json(std::string_view text)
{
    rapidjson::Document d;
    d.Parse<rapidjson::kParseFullPrecisionFlag>(text.data(), text.size());
    REQUIRE_FALSE(d.HasParseError());
    return d;
}

} // namespace

TEST_CASE("to_string: error codes use the exact OCPP-J 1.6 spellings", "[ocpp][call_error]")
{
    CHECK(to_string(ErrorCode::NotImplemented) == "NotImplemented");
    CHECK(to_string(ErrorCode::NotSupported) == "NotSupported");
    CHECK(to_string(ErrorCode::InternalError) == "InternalError");
    CHECK(to_string(ErrorCode::ProtocolError) == "ProtocolError");
    CHECK(to_string(ErrorCode::SecurityError) == "SecurityError");
    CHECK(to_string(ErrorCode::FormationViolation) == "FormationViolation");
    CHECK(to_string(ErrorCode::PropertyConstraintViolation) == "PropertyConstraintViolation");
    CHECK(to_string(ErrorCode::OccurenceConstraintViolation) == "OccurenceConstraintViolation");
    CHECK(to_string(ErrorCode::TypeConstraintViolation) == "TypeConstraintViolation");
    CHECK(to_string(ErrorCode::GenericError) == "GenericError");
}

TEST_CASE("parse_frame: a well-formed CALL yields type, id, action and payload", "[ocpp][frame]")
{
    auto f = parse_ok(R"([2,"19223201","BootNotification",{"chargePointVendor":"VendorX"}])");
    CHECK(f.type == MessageType::call);
    CHECK(f.unique_id == "19223201");
    CHECK(f.action == "BootNotification");
    REQUIRE(f.payload().IsObject());
    CHECK(std::string(f.payload()["chargePointVendor"].GetString()) == "VendorX");
}

TEST_CASE("parse_frame: a well-formed CALLRESULT yields its payload", "[ocpp][frame]")
{
    auto f = parse_ok(R"([3, "abc", {"status":"Accepted"}])");
    CHECK(f.type == MessageType::call_result);
    CHECK(f.unique_id == "abc");
    CHECK(f.action.empty());
    CHECK(std::string(f.payload()["status"].GetString()) == "Accepted");
}

TEST_CASE("parse_frame: a well-formed CALLERROR yields code, description and details", "[ocpp][frame]")
{
    auto f = parse_ok(R"([4,"abc","NotImplemented","no such action",{"hint":1}])");
    CHECK(f.type == MessageType::call_error);
    CHECK(f.unique_id == "abc");
    CHECK(f.error_code == "NotImplemented");
    CHECK(f.error_description == "no such action");
    CHECK(f.payload()["hint"].GetInt() == 1);
}

TEST_CASE("parse_frame: invalid JSON is a FormationViolation without an id", "[ocpp][frame]")
{
    for (const char* bad : {"", "[2,\"a\",", "{\"a\":}", "not json", "[2,'a','Heartbeat',{}]"}) {
        auto e = parse_err(bad);
        CHECK(e.code == ErrorCode::FormationViolation);
        CHECK(e.description == "invalid JSON");
        CHECK_FALSE(e.unique_id);
    }
}

TEST_CASE("parse_frame: trailing garbage after the array is invalid JSON", "[ocpp][frame]")
{
    auto e = parse_err(R"([2,"a","Heartbeat",{}] [3,"b",{}])");
    CHECK(e.code == ErrorCode::FormationViolation);
    CHECK_FALSE(e.unique_id);
    CHECK(parse_err(R"([2,"a","Heartbeat",{}]x)").code == ErrorCode::FormationViolation);
    // Whitespace after the array is not garbage.
    CHECK(parse_ok("[2,\"a\",\"Heartbeat\",{}]  \n").unique_id == "a");
}

TEST_CASE("parse_frame: NaN and Infinity are invalid JSON", "[ocpp][frame]")
{
    CHECK(parse_err(R"([2,"a","MeterValues",{"v":NaN}])").code == ErrorCode::FormationViolation);
    CHECK(parse_err(R"([2,"a","MeterValues",{"v":Infinity}])").code == ErrorCode::FormationViolation);
    CHECK(parse_err(R"([2,"a","MeterValues",{"v":-Infinity}])").code == ErrorCode::FormationViolation);
}

TEST_CASE("parse_frame: invalid UTF-8 is invalid JSON", "[ocpp][frame]")
{
    CHECK(parse_err("[2,\"a\",\"Heartbeat\",{\"x\":\"\xff\xfe\"}]").code == ErrorCode::FormationViolation);
}

TEST_CASE("parse_frame: a JSON value that is not an array is a ProtocolError without an id", "[ocpp][frame]")
{
    for (const char* bad : {R"({"id":"a"})", R"("a")", "42", "null"}) {
        auto e = parse_err(bad);
        CHECK(e.code == ErrorCode::ProtocolError);
        CHECK_FALSE(e.unique_id);
    }
}

TEST_CASE("parse_frame: an empty array is a ProtocolError without an id", "[ocpp][frame]")
{
    auto e = parse_err("[]");
    CHECK(e.code == ErrorCode::ProtocolError);
    CHECK_FALSE(e.unique_id);
}

TEST_CASE("parse_frame: an unknown message type is a ProtocolError that echoes a string id", "[ocpp][frame]")
{
    for (const char* bad : {R"([5,"id1","Heartbeat",{}])", R"([1,"id1",{}])", R"(["2","id1","Heartbeat",{}])",
                            R"([2.0,"id1","Heartbeat",{}])", R"([null,"id1"])"}) {
        auto e = parse_err(bad);
        CHECK(e.code == ErrorCode::ProtocolError);
        CHECK(e.description == "unknown message type");
        REQUIRE(e.unique_id);
        CHECK(*e.unique_id == "id1");
    }
}

TEST_CASE("parse_frame: an unknown message type without a string id echoes no id", "[ocpp][frame]")
{
    for (const char* bad : {"[7]", "[7,42]", R"([7,""])"}) {
        auto e = parse_err(bad);
        CHECK(e.code == ErrorCode::ProtocolError);
        CHECK(e.description == "unknown message type");
        CHECK_FALSE(e.unique_id);
    }
}

TEST_CASE("parse_frame: a missing or non-string unique id is a ProtocolError without an id", "[ocpp][frame]")
{
    for (const char* bad : {"[2]", R"([2,42,"Heartbeat",{}])", R"([3,null,{}])", R"([2,["x"],"Heartbeat",{}])"}) {
        auto e = parse_err(bad);
        CHECK(e.code == ErrorCode::ProtocolError);
        CHECK_FALSE(e.unique_id);
    }
}

TEST_CASE("parse_frame: an empty unique id is a ProtocolError", "[ocpp][frame]")
{
    auto e = parse_err(R"([2,"","Heartbeat",{}])");
    CHECK(e.code == ErrorCode::ProtocolError);
    CHECK_FALSE(e.unique_id);
}

TEST_CASE("parse_frame: a unique id of 37 characters is a ProtocolError that does not echo it", "[ocpp][frame]")
{
    const std::string id37(37, 'a');
    auto e = parse_err(R"([2,")" + id37 + R"(","Heartbeat",{}])");
    CHECK(e.code == ErrorCode::ProtocolError);
    CHECK_FALSE(e.unique_id);

    const std::string id36(36, 'a');
    CHECK(parse_ok(R"([2,")" + id36 + R"(","Heartbeat",{}])").unique_id == id36);
}

TEST_CASE("parse_frame: the 36-character id limit counts characters, not UTF-8 bytes", "[ocpp][frame]")
{
    std::string id;
    for (int i = 0; i < 36; ++i) {
        id += "\xc3\xa9"; // é
    }
    CHECK(parse_ok(R"([2,")" + id + R"(","Heartbeat",{}])").unique_id == id);
    CHECK(parse_err(R"([2,")" + id + "\xc3\xa9" + R"(","Heartbeat",{}])").code == ErrorCode::ProtocolError);
}

TEST_CASE("parse_frame: a CALL with the wrong number of elements is a ProtocolError that echoes the id",
          "[ocpp][frame]")
{
    for (const char* bad : {R"([2,"id2","Heartbeat"])", R"([2,"id2","Heartbeat",{},{}])", R"([2,"id2"])"}) {
        auto e = parse_err(bad);
        CHECK(e.code == ErrorCode::ProtocolError);
        REQUIRE(e.unique_id);
        CHECK(*e.unique_id == "id2");
    }
}

TEST_CASE("parse_frame: a CALL whose action is not a non-empty string is a ProtocolError that echoes the id",
          "[ocpp][frame]")
{
    for (const char* bad : {R"([2,"id3","",{}])", R"([2,"id3",7,{}])", R"([2,"id3",null,{}])"}) {
        auto e = parse_err(bad);
        CHECK(e.code == ErrorCode::ProtocolError);
        REQUIRE(e.unique_id);
        CHECK(*e.unique_id == "id3");
    }
}

TEST_CASE("parse_frame: a CALL with a non-object payload is a FormationViolation that echoes the id", "[ocpp][frame]")
{
    for (const char* bad :
         {R"([2,"id4","Heartbeat",[]])", R"([2,"id4","Heartbeat",null])", R"([2,"id4","Heartbeat","{}"])"}) {
        auto e = parse_err(bad);
        CHECK(e.code == ErrorCode::FormationViolation);
        REQUIRE(e.unique_id);
        CHECK(*e.unique_id == "id4");
    }
}

TEST_CASE("parse_frame: a CALLRESULT needs exactly 3 elements and an object payload", "[ocpp][frame]")
{
    auto count = parse_err(R"([3,"id5",{},{}])");
    CHECK(count.code == ErrorCode::ProtocolError);
    CHECK(count.unique_id == "id5");
    CHECK(parse_err(R"([3,"id5"])").code == ErrorCode::ProtocolError);

    auto payload = parse_err(R"([3,"id5",[]])");
    CHECK(payload.code == ErrorCode::FormationViolation);
    CHECK(payload.unique_id == "id5");
}

TEST_CASE("parse_frame: a CALLERROR needs 5 elements: code string, description string, details object", "[ocpp][frame]")
{
    auto count = parse_err(R"([4,"id6","GenericError","x"])");
    CHECK(count.code == ErrorCode::ProtocolError);
    CHECK(count.unique_id == "id6");

    for (const char* bad :
         {R"([4,"id6",1,"x",{}])", R"([4,"id6","GenericError",null,{}])", R"([4,"id6","GenericError","x",[]])"}) {
        auto e = parse_err(bad);
        CHECK(e.code == ErrorCode::FormationViolation);
        CHECK(e.unique_id == "id6");
    }
}

TEST_CASE("serialize_call: the frame round-trips through parse_frame", "[ocpp][frame]")
{
    auto payload = json(R"({"chargePointVendor":"V","chargePointModel":"M","nested":{"a":[1,2,3]}})");
    const std::string text = serialize_call("u-1", "BootNotification", payload);
    CHECK(text ==
          R"([2,"u-1","BootNotification",{"chargePointVendor":"V","chargePointModel":"M","nested":{"a":[1,2,3]}}])");
    auto f = parse_ok(text);
    CHECK(f.type == MessageType::call);
    CHECK(f.unique_id == "u-1");
    CHECK(f.action == "BootNotification");
    CHECK(f.payload() == payload);
}

TEST_CASE("serialize_call_raw: the payload text goes out as it is, not written again", "[ocpp][frame]")
{
    // Parsing and writing this again would drop "1.50"'s zero and the escapes.
    const std::string payload = R"({"limit":1.50,"note":"caf\u00e9 \/ ok"})";
    const std::string text = serialize_call_raw("csms-\"1", "DataTransfer", payload);
    CHECK(text == R"([2,"csms-\"1","DataTransfer",{"limit":1.50,"note":"caf\u00e9 \/ ok"}])");
    auto f = parse_ok(text);
    CHECK(f.type == MessageType::call);
    CHECK(f.unique_id == "csms-\"1");
    CHECK(f.action == "DataTransfer");
    CHECK(serialize_call_raw("u-1", "Heartbeat", "{}") == serialize_call("u-1", "Heartbeat", json("{}")));
}

TEST_CASE("serialize_call_result: the frame round-trips through parse_frame", "[ocpp][frame]")
{
    auto payload = json(R"({"status":"Accepted","interval":300,"currentTime":"2026-11-26T08:30:00.000Z"})");
    const std::string text = serialize_call_result("u-2", payload);
    auto f = parse_ok(text);
    CHECK(f.type == MessageType::call_result);
    CHECK(f.unique_id == "u-2");
    CHECK(f.payload() == payload);
}

TEST_CASE("serialize_call_error: the frame has the code's spelling and empty details", "[ocpp][frame]")
{
    const std::string text = serialize_call_error("u-3", ErrorCode::OccurenceConstraintViolation, "missing field");
    CHECK(text == R"([4,"u-3","OccurenceConstraintViolation","missing field",{}])");
    auto f = parse_ok(text);
    CHECK(f.type == MessageType::call_error);
    CHECK(f.unique_id == "u-3");
    CHECK(f.error_code == "OccurenceConstraintViolation");
    CHECK(f.error_description == "missing field");
    CHECK(f.payload().IsObject());
    CHECK(f.payload().ObjectEmpty());
}

TEST_CASE("serialize_call_error: a code spelt as text is written as it is", "[ocpp][frame]")
{
    CHECK(serialize_call_error("u-4", "Busy", "try later") == R"([4,"u-4","Busy","try later",{}])");
    CHECK(serialize_call_error("u-4", "GenericError", "x") ==
          serialize_call_error("u-4", ErrorCode::GenericError, "x"));
}

TEST_CASE("serialize: quotes, backslashes, control characters and unicode in ids and descriptions are escaped",
          "[ocpp][frame]")
{
    const std::string id = "a\"b\\c\x01\n\xc3\xa9\xf0\x9f\x94\x8c";
    const std::string description = "bad \"value\"\t\\ \x1f end \xe2\x82\xac";

    const std::string error_text = serialize_call_error(id, ErrorCode::GenericError, description);
    CHECK(error_text.find("\\\"") != std::string::npos);
    CHECK(error_text.find("\\u0001") != std::string::npos);
    CHECK(error_text.find("\\u001F") != std::string::npos);
    CHECK(error_text.find('\n') == std::string::npos);
    CHECK(error_text.find('\t') == std::string::npos);
    auto e = parse_ok(error_text);
    CHECK(e.unique_id == id);
    CHECK(e.error_description == description);

    rapidjson::Document empty(rapidjson::kObjectType);
    const std::string action = "Data\"Transfer";
    auto c = parse_ok(serialize_call(id, action, empty));
    CHECK(c.unique_id == id);
    CHECK(c.action == action);
    CHECK(parse_ok(serialize_call_result(id, empty)).unique_id == id);
}

TEST_CASE("serialize: an injection attempt in a description stays one string", "[ocpp][frame]")
{
    const std::string text = serialize_call_error("x", ErrorCode::InternalError, R"(", "evil", {}] [2,")");
    auto f = parse_ok(text);
    CHECK(f.error_description == R"(", "evil", {}] [2,")");
    CHECK(f.document.Size() == 5);
}

TEST_CASE("serialize: numbers are written exactly, without decimal truncation", "[ocpp][frame]")
{
    auto payload = json(R"({"a":1.23456789012345,"b":0.1,"c":1e-7,"d":9007199254740993,)"
                        R"("e":18446744073709551615,"f":-9223372036854775808,"g":230.05,"h":0})");
    const std::string text = serialize_call_result("n", payload);
    for (const char* expected : {"1.23456789012345", "\"b\":0.1", "1e-7", "9007199254740993", "18446744073709551615",
                                 "-9223372036854775808", "230.05"}) {
        INFO(expected);
        CHECK(text.find(expected) != std::string::npos);
    }
    auto f = parse_ok(text);
    CHECK(f.payload() == payload);
    CHECK(f.payload()["a"].GetDouble() == 1.23456789012345);
    CHECK(f.payload()["e"].GetUint64() == std::numeric_limits<std::uint64_t>::max());
}

TEST_CASE("parse_frame: 60,000 nested arrays are refused without exhausting the stack", "[ocpp][frame]")
{
    std::string deep = R"([2,"d1","Heartbeat",{"a":)" + std::string(60000, '[') + std::string(60000, ']') + "}]";
    auto err = parse_err(deep);
    CHECK(err.code == ErrorCode::FormationViolation);
    CHECK(err.unique_id == "d1");
}

TEST_CASE("parse_frame: a broken CALLRESULT says it is an answer, so nobody answers it", "[ocpp][frame]")
{
    CHECK(parse_err(R"([3,"r1"])").type == MessageType::call_result);
    CHECK(parse_err(R"([3,42,{}])").type == MessageType::call_result);
    CHECK(parse_err(R"([2,"c1","Heartbeat"])").type == MessageType::call);
    CHECK_FALSE(parse_err("{}").type.has_value());
}

TEST_CASE("parse_frame: nesting is judged the same on the fast and the careful path", "[ocpp][frame]")
{
    // nested(n): the innermost 1 of [2,"n1","Heartbeat",{"a":[[...[1]...]]}] is n + 3 values deep.
    auto nested = [](std::size_t arrays, std::string_view extra = "") {
        return R"([2,"n1","Heartbeat",{"a":)" + std::string(arrays, '[') + "1" + std::string(arrays, ']') +
               std::string(extra) + "}]";
    };
    // Brackets in strings do not count; the limit is 32 nested values.
    CHECK(parse_ok(R"([2,"n1","Heartbeat",{"s":"[[[[{{{{\"]]]]"}])").payload()["s"].GetStringLength() == 13);
    CHECK(parse_ok(nested(29)).payload().IsObject());                   // 32 deep: the limit
    CHECK(parse_err(nested(30)).code == ErrorCode::FormationViolation); // 33 deep
    // Non-ASCII text takes the validating path and gets the same answers.
    CHECK(parse_ok(nested(29, R"(,"b":"é")")).payload().IsObject());
    CHECK(parse_err(nested(30, R"(,"b":"é")")).code == ErrorCode::FormationViolation);
    CHECK(parse_err("[2,\"a\",\"Heartbeat\",{\"x\":\"[\xff\"}]").code == ErrorCode::FormationViolation);
}
