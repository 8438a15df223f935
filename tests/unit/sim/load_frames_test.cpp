#include "load_frames.hpp"

#include "ocpp/frame.hpp"
#include "ocpp/schema_registry.hpp"

#include <catch2/catch.hpp>

using namespace csms::sim;

namespace {

csms::ocpp::Frame parse(std::string_view text)
{
    auto parsed = csms::ocpp::parse_frame(text);
    REQUIRE(std::holds_alternative<csms::ocpp::Frame>(parsed));
    return std::move(std::get<csms::ocpp::Frame>(parsed));
}

const csms::ocpp::SchemaRegistry& schemas()
{
    static const csms::ocpp::SchemaRegistry registry(CSMS_SCHEMA_DIR);
    return registry;
}

// The server's own check: the OCPP 1.6 schema, date-times included.
void check_schema_valid(const csms::ocpp::Frame& frame)
{
    auto violation = schemas().validate(frame.action, csms::ocpp::Direction::request, frame.payload());
    INFO(frame.action << ": " << (violation ? violation->detail : std::string()));
    CHECK_FALSE(violation);
}

std::string text(const rapidjson::Value& object, const char* name)
{
    REQUIRE(object.HasMember(name));
    return object[name].GetString();
}

} // namespace

TEST_CASE("sim load frames: MeterValues carries six sampled values", "[sim][frames]")
{
    FrameBuilder b;
    auto frame = parse(b.meter_values("17", 42, "2026-11-26T08:30:00.123Z", MeterSample{10'383, 21, 255}));
    CHECK(frame.type == csms::ocpp::MessageType::call);
    CHECK(frame.unique_id == "17");
    CHECK(frame.action == "MeterValues");
    const auto& p = frame.payload();
    CHECK(p["transactionId"].GetInt64() == 42);
    CHECK(p["connectorId"].GetInt() == 1);
    const auto& mv = p["meterValue"][0];
    CHECK(std::string(mv["timestamp"].GetString()) == "2026-11-26T08:30:00.123Z");
    REQUIRE(mv["sampledValue"].Size() == 6);
    CHECK(std::string(mv["sampledValue"][0]["value"].GetString()) == "10383");
    CHECK(std::string(mv["sampledValue"][0]["measurand"].GetString()) == "Energy.Active.Import.Register");
    CHECK(std::string(mv["sampledValue"][2]["phase"].GetString()) == "L1");
    CHECK(std::string(mv["sampledValue"][2]["value"].GetString()) == "32.0");
    CHECK(std::string(mv["sampledValue"][5]["value"].GetString()) == "25.5");
}

TEST_CASE("sim load frames: the buffer is reused between frames", "[sim][frames]")
{
    FrameBuilder b;
    const std::string first(b.heartbeat("1"));
    CHECK(first == R"([2,"1","Heartbeat",{}])");
    auto boot = parse(b.boot_notification("2", "SIM-0001"));
    CHECK(boot.action == "BootNotification");
    CHECK(std::string(boot.payload()["chargePointSerialNumber"].GetString()) == "SIM-0001");
    CHECK(std::string(b.heartbeat("3")) == R"([2,"3","Heartbeat",{}])");
}

TEST_CASE("sim load frames: start, status and stop payloads", "[sim][frames]")
{
    FrameBuilder b;
    auto start = parse(b.start_transaction("1", "TAG-0001", 10'000, "2026-01-01T00:00:00.000Z"));
    CHECK(start.payload()["meterStart"].GetInt64() == 10'000);
    CHECK(std::string(start.payload()["idTag"].GetString()) == "TAG-0001");
    auto status = parse(b.status_available("2", "2026-01-01T00:00:00.000Z"));
    CHECK(std::string(status.payload()["status"].GetString()) == "Available");
    auto stop = parse(b.stop_transaction("3", 9, "TAG-0001", 10'500, "2026-01-01T00:01:00.000Z"));
    CHECK(stop.payload()["meterStop"].GetInt64() == 10'500);
    CHECK(stop.payload()["transactionId"].GetInt64() == 9);
    CHECK(std::string(stop.payload()["transactionData"][0]["sampledValue"][0]["value"].GetString()) == "10500");
}

TEST_CASE("sim load frames: the closed loop's MeterValues has six varying values, valid against the schema",
          "[sim][frames]")
{
    FrameBuilder b;
    const LiveSample sample{12'345, 7'215, 317, 2'304, 368, 41};
    auto frame = parse(b.meter_values_live("9", 42, "2026-11-26T08:30:00.123Z", sample));
    CHECK(frame.action == "MeterValues");
    check_schema_valid(frame);
    const auto& p = frame.payload();
    CHECK(p["transactionId"].GetInt64() == 42);
    REQUIRE(p["meterValue"].Size() == 1);
    const auto& sv = p["meterValue"][0]["sampledValue"];
    REQUIRE(sv.Size() == 6);
    for (const auto& v : sv.GetArray()) {
        CHECK(text(v, "context") == "Sample.Periodic");
    }
    CHECK(text(sv[0], "measurand") == "Energy.Active.Import.Register");
    CHECK(text(sv[0], "unit") == "Wh");
    CHECK(text(sv[0], "value") == "12345");
    CHECK(text(sv[1], "measurand") == "Power.Active.Import");
    CHECK(text(sv[1], "unit") == "W");
    CHECK(text(sv[1], "value") == "7215");
    CHECK(text(sv[2], "measurand") == "Current.Import");
    CHECK(text(sv[2], "phase") == "L1");
    CHECK(text(sv[2], "unit") == "A");
    CHECK(text(sv[2], "value") == "31.7");
    CHECK(text(sv[3], "measurand") == "Voltage");
    CHECK(text(sv[3], "phase") == "L1-N");
    CHECK(text(sv[3], "unit") == "V");
    CHECK(text(sv[3], "value") == "230.4");
    CHECK(text(sv[4], "measurand") == "Temperature");
    CHECK(text(sv[4], "location") == "Body");
    CHECK(text(sv[4], "unit") == "Celsius");
    CHECK(text(sv[4], "value") == "36.8");
    CHECK(text(sv[5], "measurand") == "SoC");
    CHECK(text(sv[5], "location") == "EV");
    CHECK(text(sv[5], "unit") == "Percent");
    CHECK(text(sv[5], "value") == "41");
}

TEST_CASE("sim load frames: every frame the load sends passes the schema", "[sim][frames]")
{
    FrameBuilder b;
    constexpr const char* at = "2026-01-01T00:00:00.000Z";
    check_schema_valid(parse(b.boot_notification("1", "SIM-0001")));
    check_schema_valid(parse(b.status_available("2", at)));
    auto charging = parse(b.status("3", "Charging", at));
    check_schema_valid(charging);
    CHECK(text(charging.payload(), "status") == "Charging");
    check_schema_valid(parse(b.start_transaction("4", "TAG-0001", 10'000, at)));
    check_schema_valid(parse(b.heartbeat("5")));
    check_schema_valid(parse(b.meter_values("6", 1, at, MeterSample{10'383, 21, 255})));
    check_schema_valid(parse(b.stop_transaction("7", 1, "TAG-0001", 10'500, at)));
}
