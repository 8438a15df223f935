#include "ocpp/schema_registry.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace csms::ocpp;

namespace {

// Loading 78 schemas costs a few milliseconds; share one immutable registry.
const SchemaRegistry& registry()
{
    static const SchemaRegistry instance(CSMS_SCHEMA_DIR);
    return instance;
}

rapidjson::Document json(std::string_view text)
{
    rapidjson::Document d;
    d.Parse(text.data(), text.size());
    REQUIRE_FALSE(d.HasParseError());
    return d;
}

std::optional<Violation> check(std::string_view action, std::string_view payload,
                               Direction direction = Direction::request)
{
    auto doc = json(payload);
    return registry().validate(action, direction, doc);
}

// A scratch directory removed at scope exit.
struct TempDir {
    std::filesystem::path path;
    TempDir()
    {
        path = std::filesystem::temp_directory_path() /
               ("csms_schema_test_" + std::to_string(reinterpret_cast<std::uintptr_t>(this)) + "_" +
                std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
        std::filesystem::create_directories(path);
    }
    ~TempDir()
    {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    void write(const std::string& name, const std::string& text) const { std::ofstream(path / name) << text; }
};

constexpr const char* valid_boot = R"({"chargePointVendor":"VendorX","chargePointModel":"ModelY"})";

} // namespace

TEST_CASE("SchemaRegistry: loads all 39 actions from the 78 schema files", "[ocpp][schema]")
{
    const auto actions = registry().actions();
    CHECK(actions.size() == 39);
    CHECK(std::is_sorted(actions.begin(), actions.end()));
    for (const char* action :
         {"Authorize", "BootNotification", "Heartbeat", "MeterValues", "StartTransaction", "StopTransaction",
          "StatusNotification", "SignedUpdateFirmware", "SecurityEventNotification", "RemoteStartTransaction"}) {
        INFO(action);
        CHECK(registry().knows(action));
    }
    CHECK_FALSE(registry().knows("BootNotificationResponse"));
    CHECK_FALSE(registry().knows("NoSuchAction"));
    CHECK_FALSE(registry().knows(""));
}

TEST_CASE("SchemaRegistry: a valid BootNotification passes", "[ocpp][schema]")
{
    CHECK_FALSE(check("BootNotification", valid_boot));
    CHECK_FALSE(check("Heartbeat", "{}"));
}

TEST_CASE("SchemaRegistry: a missing chargePointVendor is an OccurenceConstraintViolation naming the field",
          "[ocpp][schema]")
{
    auto v = check("BootNotification", R"({"chargePointModel":"ModelY"})");
    REQUIRE(v);
    CHECK(v->code == ErrorCode::OccurenceConstraintViolation);
    CHECK(v->detail == "/chargePointVendor: required");
    CHECK_FALSE(v->what.empty());
}

TEST_CASE("SchemaRegistry: a missing required field inside a nested object names its full path", "[ocpp][schema]")
{
    // SignedUpdateFirmware reaches FirmwareType through "$ref".
    auto v = check("SignedUpdateFirmware", R"({"requestId":1,"firmware":{"location":"https://x/f.bin",)"
                                           R"("retrieveDateTime":"2026-11-26T08:30:00Z","signature":"s"}})");
    REQUIRE(v);
    CHECK(v->code == ErrorCode::OccurenceConstraintViolation);
    CHECK(v->detail == "/firmware/signingCertificate: required");
}

TEST_CASE("SchemaRegistry: a field of the wrong type is a TypeConstraintViolation", "[ocpp][schema]")
{
    auto v = check("BootNotification", R"({"chargePointVendor":42,"chargePointModel":"ModelY"})");
    REQUIRE(v);
    CHECK(v->code == ErrorCode::TypeConstraintViolation);
    CHECK(v->detail == "/chargePointVendor: type");

    auto root = check("BootNotification", "[]");
    REQUIRE(root);
    CHECK(root->code == ErrorCode::TypeConstraintViolation);
}

TEST_CASE("SchemaRegistry: 1.0 is not an integer, so an integer field given 1.0 is a TypeConstraintViolation",
          "[ocpp][schema]")
{
    // A deliberate choice: JSON Schema draft-04 (which RapidJSON implements)
    // calls 1.0 a number, not an integer, and OCPP chargers send integers
    // for connectorId; accepting 1.0 would hide a charger bug.
    auto v = check("StatusNotification", R"({"connectorId":1.0,"errorCode":"NoError","status":"Available"})");
    REQUIRE(v);
    CHECK(v->code == ErrorCode::TypeConstraintViolation);
    CHECK(v->detail == "/connectorId: type");
    CHECK_FALSE(check("StatusNotification", R"({"connectorId":1,"errorCode":"NoError","status":"Available"})"));
}

TEST_CASE("SchemaRegistry: chargePointVendor of 21 characters is a PropertyConstraintViolation", "[ocpp][schema]")
{
    const std::string vendor20(20, 'v');
    CHECK_FALSE(check("BootNotification", R"({"chargePointVendor":")" + vendor20 + R"(","chargePointModel":"M"})"));
    auto v = check("BootNotification", R"({"chargePointVendor":")" + vendor20 + R"(v","chargePointModel":"M"})");
    REQUIRE(v);
    CHECK(v->code == ErrorCode::PropertyConstraintViolation);
    CHECK(v->detail == "/chargePointVendor: maxLength");
}

TEST_CASE("SchemaRegistry: a value outside an enum is a PropertyConstraintViolation", "[ocpp][schema]")
{
    auto v = check("StatusNotification", R"({"connectorId":1,"errorCode":"NoError","status":"charging"})");
    REQUIRE(v);
    CHECK(v->code == ErrorCode::PropertyConstraintViolation);
    CHECK(v->detail == "/status: enum");
}

TEST_CASE("SchemaRegistry: an extra property is a FormationViolation", "[ocpp][schema]")
{
    auto v = check("BootNotification", R"({"chargePointVendor":"V","chargePointModel":"M","colour":"red"})");
    REQUIRE(v);
    CHECK(v->code == ErrorCode::FormationViolation);
    CHECK(v->detail.find("additionalProperties") != std::string::npos);
}

TEST_CASE("SchemaRegistry: the detail names the place, never the received value", "[ocpp][schema]")
{
    const std::string secret = "SECRET-TAG-0123456789";
    auto v = check("Authorize", R"({"idTag":")" + secret + R"("})");
    REQUIRE(v);
    CHECK(v->code == ErrorCode::PropertyConstraintViolation);
    CHECK(v->detail == "/idTag: maxLength");
    CHECK(v->detail.find(secret) == std::string::npos);
    CHECK(std::string(v->what).find(secret) == std::string::npos);
}

TEST_CASE("SchemaRegistry: a bad date-time in StartTransaction.timestamp is a PropertyConstraintViolation",
          "[ocpp][schema]")
{
    const std::string head = R"({"connectorId":1,"idTag":"TAG1","meterStart":0,"timestamp":")";
    CHECK_FALSE(check("StartTransaction", head + R"(2026-11-26T08:30:00Z"})"));
    for (const char* bad : {"yesterday", "2026-11-26", "2026-02-30T00:00:00Z", "2026-11-26T08:30:00"}) {
        INFO(bad);
        auto v = check("StartTransaction", head + bad + "\"}");
        REQUIRE(v);
        CHECK(v->code == ErrorCode::PropertyConstraintViolation);
        CHECK(v->detail == "/timestamp: date-time");
    }
}

TEST_CASE("SchemaRegistry: a bad date-time inside an array (MeterValues meterValue[1].timestamp) is caught",
          "[ocpp][schema]")
{
    auto payload = [](const char* second) {
        return std::string(R"({"connectorId":1,"transactionId":7,"meterValue":[)"
                           R"({"timestamp":"2026-11-26T08:30:00Z","sampledValue":[{"value":"10"}]},)"
                           R"({"timestamp":")") +
               second + R"(","sampledValue":[{"value":"20","format":"Raw"}]}]})";
    };
    CHECK_FALSE(check("MeterValues", payload("2026-11-26T08:45:00.5+08:00")));
    auto v = check("MeterValues", payload("2026-11-26 25:00"));
    REQUIRE(v);
    CHECK(v->code == ErrorCode::PropertyConstraintViolation);
    CHECK(v->detail == "/meterValue/1/timestamp: date-time");
}

TEST_CASE("SchemaRegistry: a date-time reached through $ref is checked too", "[ocpp][schema]")
{
    auto v = check("SignedUpdateFirmware", R"({"requestId":1,"firmware":{"location":"https://x/f.bin",)"
                                           R"("retrieveDateTime":"soon","signingCertificate":"c","signature":"s"}})");
    REQUIRE(v);
    CHECK(v->code == ErrorCode::PropertyConstraintViolation);
    CHECK(v->detail == "/firmware/retrieveDateTime: date-time");
}

TEST_CASE("SchemaRegistry: response schemas validate too (BootNotificationResponse)", "[ocpp][schema]")
{
    const std::string ok = R"({"status":"Accepted","currentTime":"2026-11-26T08:30:00.000Z","interval":300})";
    CHECK_FALSE(check("BootNotification", ok, Direction::response));

    auto bad_status =
        check("BootNotification", R"({"status":"Maybe","currentTime":"2026-11-26T08:30:00Z","interval":1})",
              Direction::response);
    REQUIRE(bad_status);
    CHECK(bad_status->code == ErrorCode::PropertyConstraintViolation);

    auto bad_time =
        check("BootNotification", R"({"status":"Accepted","currentTime":"now","interval":1})", Direction::response);
    REQUIRE(bad_time);
    CHECK(bad_time->detail == "/currentTime: date-time");

    // The request schema does not accept the response payload.
    CHECK(check("BootNotification", ok, Direction::request));
}

TEST_CASE("SchemaRegistry: an action without a schema is NotImplemented", "[ocpp][schema]")
{
    auto v = check("FlyToTheMoon", "{}");
    REQUIRE(v);
    CHECK(v->code == ErrorCode::NotImplemented);
}

TEST_CASE("SchemaRegistry: validate is usable from several threads at once", "[ocpp][schema]")
{
    const SchemaRegistry& reg = registry();
    auto good = json(valid_boot);
    auto missing = json(R"({"chargePointModel":"M"})");
    auto bad_time = json(R"({"connectorId":1,"idTag":"T","meterStart":0,"timestamp":"x"})");
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 300; ++i) {
                if (reg.validate("BootNotification", Direction::request, good)) {
                    ++wrong;
                }
                auto m = reg.validate("BootNotification", Direction::request, missing);
                if (!m || m->code != ErrorCode::OccurenceConstraintViolation ||
                    m->detail != "/chargePointVendor: required") {
                    ++wrong;
                }
                auto d = reg.validate("StartTransaction", Direction::request, bad_time);
                if (!d || d->detail != "/timestamp: date-time") {
                    ++wrong;
                }
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    CHECK(wrong == 0);
}

TEST_CASE("SchemaRegistry: a missing schema directory fails construction loudly", "[ocpp][schema]")
{
    CHECK_THROWS_AS(SchemaRegistry("/nonexistent/csms/schemas"), std::runtime_error);
}

TEST_CASE("SchemaRegistry: an unparseable schema fails construction naming the file", "[ocpp][schema]")
{
    TempDir dir;
    dir.write("Heartbeat.json", R"({"type":"object"})");
    dir.write("HeartbeatResponse.json", R"({"type": obj)");
    CHECK_THROWS_WITH(SchemaRegistry(dir.path), Catch::Contains("HeartbeatResponse.json"));
}

TEST_CASE("SchemaRegistry: a request schema without its response fails construction naming the file", "[ocpp][schema]")
{
    TempDir dir;
    dir.write("Heartbeat.json", R"({"type":"object"})");
    CHECK_THROWS_WITH(SchemaRegistry(dir.path), Catch::Contains("HeartbeatResponse.json"));
}
