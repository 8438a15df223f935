#include "load_frames.hpp"

#include "ocpp/frame.hpp"

#include <catch2/catch.hpp>

using namespace csms::sim;

namespace {

csms::ocpp::Frame parse(std::string_view text)
{
    auto parsed = csms::ocpp::parse_frame(text);
    REQUIRE(std::holds_alternative<csms::ocpp::Frame>(parsed));
    return std::move(std::get<csms::ocpp::Frame>(parsed));
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
