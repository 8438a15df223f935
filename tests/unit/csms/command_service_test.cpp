#include "charger_harness.hpp"

#include "csms/command_service.hpp"

using csms::ocpp::CallOutcome;
using csms::test::ChargerHarness;

namespace {

rapidjson::Document payload(const char* json)
{
    rapidjson::Document doc;
    doc.Parse(json);
    return doc;
}

} // namespace

TEST_CASE("CommandService: a CALL reaches the connected charger and its answer comes back", "[csms][commands]")
{
    ChargerHarness h;
    h.boot();
    csms::CommandService commands(h.registry());
    std::optional<CallOutcome> outcome;
    commands.send("CP-1", "GetInstalledCertificateIds",
                  payload(R"({"certificateType":"CentralSystemRootCertificate"})"),
                  [&](CallOutcome o) { outcome = std::move(o); });
    auto frames = h.connection().wait_for_frames(2);
    REQUIRE(frames.size() == 2);
    rapidjson::Document call;
    call.Parse(frames[1].c_str());
    REQUIRE(call[0].GetInt() == 2);
    CHECK(std::string(call[2].GetString()) == "GetInstalledCertificateIds");
    h.send_text(std::string(R"([3,")") + call[1].GetString() + R"(",{"status":"NotFound"}])");
    h.connection().drain();
    REQUIRE(outcome);
    CHECK(outcome->kind == CallOutcome::Kind::result);
    CHECK(std::string(outcome->payload["status"].GetString()) == "NotFound");
}

TEST_CASE("CommandService: a payload that breaks its schema is never sent", "[csms][commands]")
{
    ChargerHarness h;
    h.boot();
    csms::CommandService commands(h.registry());
    std::optional<CallOutcome> outcome;
    commands.send("CP-1", "InstallCertificate", payload(R"({"certificateType":"Nonsense","certificate":"x"})"),
                  [&](CallOutcome o) { outcome = std::move(o); });
    h.connection().drain();
    REQUIRE(outcome);
    CHECK(outcome->kind == CallOutcome::Kind::invalid_request);
    CHECK(h.connection().sent().size() == 1); // only the BootNotification answer
}

TEST_CASE("CommandService: a charger that is not connected is reported at once", "[csms][commands]")
{
    ChargerHarness h;
    csms::CommandService commands(h.registry());
    std::optional<CallOutcome> outcome;
    commands.send("NOBODY", "ExtendedTriggerMessage", payload(R"({"requestedMessage":"Heartbeat"})"),
                  [&](CallOutcome o) { outcome = std::move(o); });
    REQUIRE(outcome);
    CHECK(outcome->kind == CallOutcome::Kind::closed);
}
