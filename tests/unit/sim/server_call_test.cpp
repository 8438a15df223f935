#include "scenario.hpp"

#include "ocpp/schema_registry.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace csms::sim;

namespace {

// Every CALL a central system may send (the admin API's command list).
const std::vector<std::string> central_system_actions = {
    "RemoteStartTransaction",
    "RemoteStopTransaction",
    "Reset",
    "UnlockConnector",
    "ChangeAvailability",
    "ChangeConfiguration",
    "GetConfiguration",
    "ClearCache",
    "TriggerMessage",
    "GetDiagnostics",
    "UpdateFirmware",
    "SendLocalList",
    "GetLocalListVersion",
    "ReserveNow",
    "CancelReservation",
    "SetChargingProfile",
    "ClearChargingProfile",
    "GetCompositeSchedule",
    "DataTransfer",
    "ExtendedTriggerMessage",
    "CertificateSigned",
    "InstallCertificate",
    "DeleteCertificate",
    "GetInstalledCertificateIds",
    "GetLog",
    "SignedUpdateFirmware",
};

const csms::ocpp::SchemaRegistry& schemas()
{
    static const csms::ocpp::SchemaRegistry registry(CSMS_SCHEMA_DIR);
    return registry;
}

} // namespace

TEST_CASE("sim answers: every central system action gets a schema-valid confirmation", "[sim][scenario]")
{
    for (const auto& action : central_system_actions) {
        INFO(action);
        auto answer = answer_server_call(action);
        REQUIRE(std::holds_alternative<rapidjson::Document>(answer));
        const auto& payload = std::get<rapidjson::Document>(answer);
        auto violation = schemas().validate(action, csms::ocpp::Direction::response, payload);
        INFO((violation ? violation->detail : std::string("valid")));
        CHECK_FALSE(violation.has_value());
    }
}

TEST_CASE("sim answers: GetConfiguration reports a couple of writable keys", "[sim][scenario]")
{
    auto answer = answer_server_call("GetConfiguration");
    REQUIRE(std::holds_alternative<rapidjson::Document>(answer));
    const auto& keys = std::get<rapidjson::Document>(answer)["configurationKey"];
    REQUIRE(keys.IsArray());
    REQUIRE(keys.Size() == 2);
    CHECK(std::string(keys[0]["key"].GetString()) == "HeartbeatInterval");
    CHECK(std::string(keys[0]["value"].GetString()) == "300");
    CHECK_FALSE(keys[0]["readonly"].GetBool());
    CHECK(std::string(keys[1]["key"].GetString()) == "MeterValueSampleInterval");
}

TEST_CASE("sim answers: an action a charger never receives is NotImplemented", "[sim][scenario]")
{
    auto answer = answer_server_call("BootNotification");
    REQUIRE(std::holds_alternative<csms::ocpp::ErrorCode>(answer));
    CHECK(std::get<csms::ocpp::ErrorCode>(answer) == csms::ocpp::ErrorCode::NotImplemented);
}
