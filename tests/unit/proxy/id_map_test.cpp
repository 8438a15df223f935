#include "proxy/id_map.hpp"

#include "ocpp/frame.hpp"

#include <catch2/catch.hpp>

using namespace csms::proxy;
using csms::ocpp::ErrorCode;
using csms::ocpp::serialize_call_error;
using csms::ocpp::serialize_call_raw;
using csms::ocpp::serialize_call_result;

TEST_CASE("What a partner is sent carries its own transaction id")
{
    CHECK(with_transaction_id(R"({"transactionId":12,"meterStop":5000})", 9001) ==
          R"({"transactionId":9001,"meterStop":5000})");
    CHECK(with_transaction_id(R"({"connectorId":1})", 7) == R"({"connectorId":1,"transactionId":7})");
    CHECK(with_transaction_id("not json", 7) == "not json");
    CHECK(transaction_id_in(R"({"transactionId":9001})") == 9001);
    CHECK_FALSE(transaction_id_in(R"({"transactionId":"9001"})"));
    CHECK_FALSE(transaction_id_in("[]"));
}

TEST_CASE("Partner link frames are built and read as OCPP-J")
{
    // The uplink writes its frames with ocpp/frame; these are the bytes a partner gets.
    CHECK(serialize_call_raw("csms-1", "Heartbeat", "{}") == R"([2,"csms-1","Heartbeat",{}])");
    rapidjson::Document accepted;
    accepted.Parse(R"({"status":"Accepted"})");
    CHECK(serialize_call_result("p-7", accepted) == R"([3,"p-7",{"status":"Accepted"}])");
    CHECK(serialize_call_error("p-8", ErrorCode::SecurityError, "Reset is not allowed for partner x") ==
          R"([4,"p-8","SecurityError","Reset is not allowed for partner x",{}])");
    CHECK(serialize_call_error("p-9", "Busy", "the charger's own code") ==
          R"([4,"p-9","Busy","the charger's own code",{}])");

    auto call = parse_partner_frame(R"([2,"p-1","RemoteStopTransaction",{"transactionId":9001}])");
    CHECK(call.kind == 2);
    CHECK(call.unique_id == "p-1");
    CHECK(call.action == "RemoteStopTransaction");
    CHECK(call.payload == R"({"transactionId":9001})");
    auto result = parse_partner_frame(R"([3,"csms-4",{"transactionId":9001}])");
    CHECK(result.kind == 3);
    CHECK(result.payload == R"({"transactionId":9001})");
    auto error = parse_partner_frame(R"([4,"csms-5","NotImplemented","no",{}])");
    CHECK(error.kind == 4);
    CHECK(error.error_code == "NotImplemented");
    CHECK(parse_partner_frame(R"([2,"x","Reset"])").kind == 0);
    CHECK(parse_partner_frame("garbage").kind == 0);
    // Read by ocpp::parse_frame: a partner cannot exhaust the stack either.
    CHECK(parse_partner_frame(std::string(60000, '[')).kind == 0);
}

TEST_CASE("A delegated Authorize asks for the tag and takes only an idTagInfo a charger may get")
{
    CHECK(authorize_payload("FLEET-\"1") == R"({"idTag":"FLEET-\"1"})");
    auto accepted = id_tag_info_in(
        R"({"idTagInfo":{"status":"Accepted","expiryDate":"2030-01-01T00:00:00Z","parentIdTag":"FLEET-GROUP"}})");
    REQUIRE(accepted);
    CHECK(accepted->status == "Accepted");
    CHECK(accepted->expiry == csms::base::parse_date_time("2030-01-01T00:00:00Z"));
    CHECK(accepted->parent_id_tag == "FLEET-GROUP");
    auto blocked = id_tag_info_in(R"({"idTagInfo":{"status":"Blocked"}})");
    REQUIRE(blocked);
    CHECK(blocked->status == "Blocked");
    CHECK_FALSE(blocked->expiry);
    CHECK_FALSE(id_tag_info_in(R"({"idTagInfo":{"status":"Maybe"}})"));
    CHECK_FALSE(id_tag_info_in(R"({"idTagInfo":{"status":"Accepted","expiryDate":"tomorrow"}})"));
    CHECK_FALSE(id_tag_info_in(R"({"idTagInfo":{"status":"Accepted","parentIdTag":"123456789012345678901"}})"));
    CHECK_FALSE(id_tag_info_in(R"({"status":"Accepted"})"));
    CHECK_FALSE(id_tag_info_in("[]"));
}
