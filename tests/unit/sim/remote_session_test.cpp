// The simulated charger's remote sessions (Scenario::answer_call): what it
// answers to RemoteStart/StopTransaction and the CALLs it then sends itself.
#include "scenario.hpp"

#include "ocpp/schema_registry.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace csms::sim;

namespace {

const csms::ocpp::SchemaRegistry& schemas()
{
    static const csms::ocpp::SchemaRegistry registry(CSMS_SCHEMA_DIR);
    return registry;
}

rapidjson::Document json(const std::string& text)
{
    rapidjson::Document d;
    d.Parse(text.c_str(), text.size());
    REQUIRE_FALSE(d.HasParseError());
    return d;
}

std::string text_of(const rapidjson::Value& v, const char* name)
{
    REQUIRE(v.HasMember(name));
    REQUIRE(v[name].IsString());
    return v[name].GetString();
}

// The status of the answer to a CALL from the server ("Accepted", ...).
std::string answer_status(Scenario& s, std::string_view action, const std::string& payload)
{
    auto answer = s.answer_call(action, json(payload));
    REQUIRE(std::holds_alternative<rapidjson::Document>(answer));
    const auto& doc = std::get<rapidjson::Document>(answer);
    auto violation = schemas().validate(std::string(action), csms::ocpp::Direction::response, doc);
    INFO((violation ? violation->detail : std::string("valid")));
    CHECK_FALSE(violation.has_value());
    return text_of(doc, "status");
}

// The next CALL, checked against its request schema, then answered.
struct Sent {
    std::string action;
    rapidjson::Document payload;
};

Sent exchange(Scenario& s, const std::string& result)
{
    REQUIRE_FALSE(s.done());
    Call call = s.next_call();
    Sent sent{std::string(call.action), std::move(call.payload)};
    auto violation = schemas().validate(sent.action, csms::ocpp::Direction::request, sent.payload);
    INFO(sent.action << ": " << (violation ? violation->detail : std::string("valid")));
    CHECK_FALSE(violation.has_value());
    auto verdict = s.check_result(json(result));
    INFO(verdict.reason);
    CHECK(verdict.expected);
    return sent;
}

constexpr const char* boot_accepted = R"({"status":"Accepted","currentTime":"2026-01-01T00:00:00Z","interval":300})";
constexpr const char* start_accepted = R"({"idTagInfo":{"status":"Accepted"},"transactionId":42})";

// A --connect-only charger whose BootNotification was answered: holding.
Scenario booted(const csms::base::Clock& clock)
{
    Scenario s(ScenarioConfig{"SIM-0001", "TAG-0001", 1, 3, true}, clock);
    exchange(s, boot_accepted);
    REQUIRE(s.done());
    return s;
}

// Runs the CALLs an accepted remote start queues; returns the StartTransaction.
rapidjson::Document run_remote_start(Scenario& s)
{
    auto preparing = exchange(s, "{}");
    CHECK(preparing.action == "StatusNotification");
    CHECK(text_of(preparing.payload, "status") == "Preparing");
    auto start = exchange(s, start_accepted);
    REQUIRE(start.action == "StartTransaction");
    auto charging = exchange(s, "{}");
    CHECK(charging.action == "StatusNotification");
    CHECK(text_of(charging.payload, "status") == "Charging");
    auto meter = exchange(s, "{}");
    CHECK(meter.action == "MeterValues");
    CHECK(meter.payload["transactionId"].GetInt64() == 42);
    CHECK(meter.payload["connectorId"].GetInt() == 1);
    CHECK(s.done());
    return std::move(start.payload);
}

} // namespace

TEST_CASE("sim remote session: remote start then remote stop run a whole transaction", "[sim][scenario][remote]")
{
    csms::base::ManualClock clock;
    Scenario s = booted(clock);
    const auto meter_before = s.meter_wh();

    CHECK(answer_status(s, "RemoteStartTransaction", R"({"connectorId":1,"idTag":"DEMO-TAG"})") == "Accepted");
    auto start = run_remote_start(s);
    CHECK(text_of(start, "idTag") == "DEMO-TAG");
    CHECK(start["connectorId"].GetInt() == 1);
    CHECK(start["meterStart"].GetInt64() == meter_before);
    REQUIRE(s.transaction_id() == std::optional<std::int64_t>(42));

    CHECK(answer_status(s, "RemoteStopTransaction", R"({"transactionId":42})") == "Accepted");
    auto stop = exchange(s, R"({"idTagInfo":{"status":"Accepted"}})");
    REQUIRE(stop.action == "StopTransaction");
    CHECK(stop.payload["transactionId"].GetInt64() == 42);
    CHECK(text_of(stop.payload, "reason") == "Remote");
    CHECK(text_of(stop.payload, "idTag") == "DEMO-TAG");
    CHECK(stop.payload["meterStop"].GetInt64() > start["meterStart"].GetInt64());
    auto available = exchange(s, "{}");
    CHECK(available.action == "StatusNotification");
    CHECK(text_of(available.payload, "status") == "Available");
    CHECK(s.done());
    CHECK_FALSE(s.transaction_id().has_value());

    // The connector is free again; the register carries on where it stopped.
    CHECK(answer_status(s, "RemoteStartTransaction", R"({"idTag":"DEMO-TAG"})") == "Accepted");
    auto again = run_remote_start(s);
    CHECK(again["meterStart"].GetInt64() == stop.payload["meterStop"].GetInt64());
}

TEST_CASE("sim remote session: a busy connector or another connector rejects a remote start", "[sim][scenario][remote]")
{
    csms::base::ManualClock clock;
    Scenario s = booted(clock);
    CHECK(answer_status(s, "RemoteStartTransaction", R"({"connectorId":2,"idTag":"DEMO-TAG"})") == "Rejected");
    CHECK(s.done());

    CHECK(answer_status(s, "RemoteStartTransaction", R"({"connectorId":1,"idTag":"DEMO-TAG"})") == "Accepted");
    // Busy from the moment it accepted, before StartTransaction went out.
    CHECK(answer_status(s, "RemoteStartTransaction", R"({"connectorId":1,"idTag":"OTHER"})") == "Rejected");
    run_remote_start(s);
    CHECK(answer_status(s, "RemoteStartTransaction", R"({"idTag":"OTHER"})") == "Rejected");
    CHECK(s.done());
}

TEST_CASE("sim remote session: a remote stop for a transaction not running is rejected", "[sim][scenario][remote]")
{
    csms::base::ManualClock clock;
    Scenario s = booted(clock);
    CHECK(answer_status(s, "RemoteStopTransaction", R"({"transactionId":42})") == "Rejected");

    CHECK(answer_status(s, "RemoteStartTransaction", R"({"idTag":"DEMO-TAG"})") == "Accepted");
    // The transaction id is not known until StartTransaction is answered.
    CHECK(answer_status(s, "RemoteStopTransaction", R"({"transactionId":42})") == "Rejected");
    run_remote_start(s);
    CHECK(answer_status(s, "RemoteStopTransaction", R"({"transactionId":41})") == "Rejected");
    CHECK(s.done());
    CHECK(answer_status(s, "RemoteStopTransaction", R"({"transactionId":42})") == "Accepted");
    // Already stopping.
    CHECK(answer_status(s, "RemoteStopTransaction", R"({"transactionId":42})") == "Rejected");
    CHECK(exchange(s, R"({})").action == "StopTransaction");
    CHECK(exchange(s, R"({})").action == "StatusNotification");
    CHECK(s.done());
}

TEST_CASE("sim remote session: a remote stop while the MeterValues is still queued comes after it",
          "[sim][scenario][remote]")
{
    csms::base::ManualClock clock;
    Scenario s = booted(clock);
    CHECK(answer_status(s, "RemoteStartTransaction", R"({"idTag":"DEMO-TAG"})") == "Accepted");
    exchange(s, "{}");           // Preparing
    exchange(s, start_accepted); // StartTransaction
    CHECK(answer_status(s, "RemoteStopTransaction", R"({"transactionId":42})") == "Accepted");
    std::vector<std::string> actions;
    while (!s.done()) {
        actions.push_back(exchange(s, "{}").action);
    }
    CHECK(actions ==
          std::vector<std::string>{"StatusNotification", "MeterValues", "StopTransaction", "StatusNotification"});
}

TEST_CASE("sim remote session: a tag the server refuses ends the session as DeAuthorized", "[sim][scenario][remote]")
{
    csms::base::ManualClock clock;
    Scenario s = booted(clock);
    CHECK(answer_status(s, "RemoteStartTransaction", R"({"idTag":"BLOCKED"})") == "Accepted");
    exchange(s, "{}"); // Preparing
    exchange(s, R"({"idTagInfo":{"status":"Blocked"},"transactionId":7})");
    auto stop = exchange(s, "{}");
    REQUIRE(stop.action == "StopTransaction");
    CHECK(stop.payload["transactionId"].GetInt64() == 7);
    CHECK(text_of(stop.payload, "reason") == "DeAuthorized");
    auto available = exchange(s, "{}");
    CHECK(text_of(available.payload, "status") == "Available");
    CHECK(s.done());
    CHECK(answer_status(s, "RemoteStartTransaction", R"({"idTag":"DEMO-TAG"})") == "Accepted");
}

TEST_CASE("sim remote session: a remote start while the script runs is rejected", "[sim][scenario][remote]")
{
    csms::base::ManualClock clock;
    Scenario s(ScenarioConfig{"SIM-0001", "TAG-0001", 1, 1, false}, clock);
    CHECK(answer_status(s, "RemoteStartTransaction", R"({"idTag":"DEMO-TAG"})") == "Rejected");
    exchange(s, boot_accepted);
    CHECK(answer_status(s, "RemoteStartTransaction", R"({"idTag":"DEMO-TAG"})") == "Rejected");
    const auto total = s.total_calls();
    // The scripted session still uses the configured tag and stops Local.
    exchange(s, "{}");                                        // Available
    exchange(s, R"({"currentTime":"2026-01-01T00:00:00Z"})"); // Heartbeat
    exchange(s, R"({"idTagInfo":{"status":"Accepted"}})");    // Authorize
    auto start = exchange(s, start_accepted);                 // StartTransaction
    CHECK(text_of(start.payload, "idTag") == "TAG-0001");
    CHECK(answer_status(s, "RemoteStopTransaction", R"({"transactionId":42})") == "Rejected");
    exchange(s, "{}"); // Charging
    exchange(s, "{}"); // MeterValues
    auto stop = exchange(s, "{}");
    CHECK(text_of(stop.payload, "reason") == "Local");
    CHECK(text_of(stop.payload, "idTag") == "TAG-0001");
    exchange(s, "{}"); // Available
    CHECK(s.done());
    CHECK(s.total_calls() == total);
    // Script done: now it is the charger's to start.
    CHECK(answer_status(s, "RemoteStartTransaction", R"({"idTag":"DEMO-TAG"})") == "Accepted");
}

TEST_CASE("sim remote session: other actions get the stateless answers", "[sim][scenario][remote]")
{
    csms::base::ManualClock clock;
    Scenario s = booted(clock);
    CHECK(answer_status(s, "Reset", R"({"type":"Soft"})") == "Accepted");
    CHECK(answer_status(s, "UnlockConnector", R"({"connectorId":1})") == "Unlocked");
    auto answer = s.answer_call("BootNotification", json("{}"));
    REQUIRE(std::holds_alternative<csms::ocpp::ErrorCode>(answer));
    CHECK(std::get<csms::ocpp::ErrorCode>(answer) == csms::ocpp::ErrorCode::NotImplemented);
    CHECK(s.done());
}
