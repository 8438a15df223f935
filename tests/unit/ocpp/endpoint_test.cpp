#include "ocpp/endpoint.hpp"

#include "base/metrics.hpp"
#include "ocpp/schema_registry.hpp"
#include "support/loopback_connection.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using namespace csms::ocpp;
using csms::test::LoopbackConnection;

namespace {

const SchemaRegistry& registry()
{
    static const SchemaRegistry instance(CSMS_SCHEMA_DIR);
    return instance;
}

rapidjson::Document json(std::string_view text)
{
    rapidjson::Document d;
    d.Parse(text.data(), text.size());
    INFO(text);
    REQUIRE_FALSE(d.HasParseError());
    return d;
}

std::string to_text(const rapidjson::Value& value)
{
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string str(const rapidjson::Value& v)
{
    REQUIRE(v.IsString());
    return std::string(v.GetString(), v.GetStringLength());
}

// A sent frame as a parsed array, so assertions do not depend on spacing.
rapidjson::Document frame(const std::string& text)
{
    auto d = json(text);
    INFO(text);
    REQUIRE(d.IsArray());
    REQUIRE(d.Size() >= 3);
    REQUIRE(d[0].IsInt());
    return d;
}

void check_call_error(const std::string& text, std::string_view id, std::string_view code)
{
    INFO(text);
    auto d = frame(text);
    REQUIRE(d.Size() == 5);
    CHECK(d[0].GetInt() == 4);
    CHECK(str(d[1]) == id);
    CHECK(str(d[2]) == code);
    CHECK(d[3].IsString());
    REQUIRE(d[4].IsObject());
    CHECK(d[4].ObjectEmpty());
}

void check_call_result(const std::string& text, std::string_view id, std::string_view payload)
{
    INFO(text);
    auto d = frame(text);
    REQUIRE(d.Size() == 3);
    CHECK(d[0].GetInt() == 3);
    CHECK(str(d[1]) == id);
    CHECK(d[2] == json(payload));
}

void check_call(const std::string& text, std::string_view id, std::string_view action, std::string_view payload)
{
    INFO(text);
    auto d = frame(text);
    REQUIRE(d.Size() == 4);
    CHECK(d[0].GetInt() == 2);
    CHECK(str(d[1]) == id);
    CHECK(str(d[2]) == action);
    CHECK(d[3] == json(payload));
}

// The value of one sample line in the Prometheus text, or nullopt.
std::optional<std::uint64_t> sample(const std::string& text, const std::string& series)
{
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 && line[series.size()] == ' ') {
            return std::stoull(line.substr(series.size() + 1));
        }
    }
    return std::nullopt;
}

struct Dispatched {
    IncomingCall call;
    std::string payload;
};

class TestDispatcher final : public CallDispatcher {
public:
    std::set<std::string, std::less<>> handled{"Authorize", "BootNotification", "Heartbeat", "StatusNotification"};
    // Runs inside dispatch() when set: answers immediately, or throws.
    std::function<void(const IncomingCall&, const rapidjson::Value&)> respond;
    std::vector<Dispatched> calls;
    int closed = 0;

    bool handles(std::string_view action) const override { return handled.contains(action); }
    void dispatch(const IncomingCall& call, const rapidjson::Value& payload) override
    {
        calls.push_back(Dispatched{call, to_text(payload)});
        if (respond) {
            respond(call, payload);
        }
    }
    void on_closed() override { ++closed; }
};

struct Harness {
    std::shared_ptr<LoopbackConnection> connection = std::make_shared<LoopbackConnection>();
    csms::base::Metrics metrics;
    EndpointMetrics endpoint_metrics{metrics, registry()};
    std::shared_ptr<TestDispatcher> dispatcher = std::make_shared<TestDispatcher>();
    std::shared_ptr<Endpoint> endpoint;
    std::vector<CallOutcome> outcomes;

    explicit Harness(EndpointOptions options = {})
        : endpoint(std::make_shared<Endpoint>(connection, registry(), endpoint_metrics, options, "CP1"))
    {
        endpoint->set_dispatcher(dispatcher);
    }
    Harness(const Harness&) = delete;
    Harness& operator=(const Harness&) = delete;
    ~Harness()
    {
        // Held calls and posted work keep the endpoint alive; drop them so
        // nothing outlives the metrics it points at.
        dispatcher->calls.clear();
        connection->drain();
    }

    CallDone record()
    {
        return [this](CallOutcome outcome) { outcomes.push_back(std::move(outcome)); };
    }
    void call(std::string action, std::string_view payload)
    {
        endpoint->call(std::move(action), json(payload), record());
    }
    std::vector<std::string> sent()
    {
        connection->drain();
        return connection->sent();
    }
};

constexpr std::string_view heartbeat_answer = R"({"currentTime":"2026-11-26T08:30:00Z"})";

} // namespace

// ---- inbound CALLs ----

TEST_CASE("Endpoint: a CALL for an action with no schema gets NotImplemented with the charger's id", "[ocpp][endpoint]")
{
    Harness h;
    CHECK(h.endpoint->on_text(R"([2,"id-42","FlyToTheMoon",{}])"));
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    check_call_error(sent[0], "id-42", "NotImplemented");
    CHECK(h.dispatcher->calls.empty());
}

TEST_CASE("Endpoint: a valid OCPP action this central system does not handle gets NotSupported", "[ocpp][endpoint]")
{
    Harness h;
    CHECK(h.endpoint->on_text(R"([2,"7","DataTransfer",{"vendorId":"ACME"}])"));
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    check_call_error(sent[0], "7", "NotSupported");
    CHECK(h.dispatcher->calls.empty());
}

TEST_CASE("Endpoint: before a dispatcher is set every known action gets NotSupported", "[ocpp][endpoint]")
{
    Harness h;
    h.endpoint->set_dispatcher(nullptr);
    CHECK(h.endpoint->on_text(R"([2,"8","Heartbeat",{}])"));
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    check_call_error(sent[0], "8", "NotSupported");
}

TEST_CASE("Endpoint: a CALL missing a required field gets OccurenceConstraintViolation and is not dispatched",
          "[ocpp][endpoint]")
{
    Harness h;
    CHECK(h.endpoint->on_text(R"([2,"b1","BootNotification",{"chargePointVendor":"ACME"}])"));
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    check_call_error(sent[0], "b1", "OccurenceConstraintViolation");
    CHECK(h.dispatcher->calls.empty());
}

TEST_CASE("Endpoint: a CALL with a field of the wrong type gets TypeConstraintViolation and is not dispatched",
          "[ocpp][endpoint]")
{
    Harness h;
    CHECK(h.endpoint->on_text(
        R"([2,"s1","StatusNotification",{"connectorId":"1","errorCode":"NoError","status":"Available"}])"));
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    check_call_error(sent[0], "s1", "TypeConstraintViolation");
    CHECK(h.dispatcher->calls.empty());
}

TEST_CASE("Endpoint: a CALL with a value outside its enum gets PropertyConstraintViolation and is not dispatched",
          "[ocpp][endpoint]")
{
    Harness h;
    CHECK(h.endpoint->on_text(
        R"([2,"s2","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Sleeping"}])"));
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    check_call_error(sent[0], "s2", "PropertyConstraintViolation");
    CHECK(h.dispatcher->calls.empty());
}

TEST_CASE("Endpoint: a CALL with an unreadable date-time gets PropertyConstraintViolation", "[ocpp][endpoint]")
{
    Harness h;
    CHECK(h.endpoint->on_text(R"([2,"s3","StatusNotification",)"
                              R"({"connectorId":1,"errorCode":"NoError","status":"Available","timestamp":"today"}])"));
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    check_call_error(sent[0], "s3", "PropertyConstraintViolation");
    CHECK(h.dispatcher->calls.empty());
}

TEST_CASE("Endpoint: invalid JSON gets FormationViolation with id \"-1\"", "[ocpp][endpoint]")
{
    Harness h;
    CHECK(h.endpoint->on_text(R"([2,"x1","Heartbeat",{)"));
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    check_call_error(sent[0], "-1", "FormationViolation");
    CHECK(h.dispatcher->calls.empty());
}

TEST_CASE("Endpoint: a malformed frame whose id is readable gets a CALLERROR echoing that id", "[ocpp][endpoint]")
{
    Harness h;
    CHECK(h.endpoint->on_text(R"([2,"m1","Heartbeat"])"));
    CHECK(h.endpoint->on_text(R"([2,"m2","Heartbeat",[]])"));
    auto sent = h.sent();
    REQUIRE(sent.size() == 2);
    check_call_error(sent[0], "m1", "ProtocolError");
    check_call_error(sent[1], "m2", "FormationViolation");
    CHECK(h.dispatcher->calls.empty());
}

TEST_CASE("Endpoint: a binary frame gets FormationViolation echoing the id when it is readable", "[ocpp][endpoint]")
{
    Harness h;
    h.endpoint->on_binary(R"([2,"bin-1","Heartbeat",{}])");
    h.endpoint->on_binary(R"([2,"bin-2","Heartbeat"])");
    h.endpoint->on_binary(std::string("\x00\x01\xff", 3));
    auto sent = h.sent();
    REQUIRE(sent.size() == 3);
    check_call_error(sent[0], "bin-1", "FormationViolation");
    check_call_error(sent[1], "bin-2", "FormationViolation");
    check_call_error(sent[2], "-1", "FormationViolation");
    CHECK(h.dispatcher->calls.empty());
}

TEST_CASE("Endpoint: a valid CALL reaches the dispatcher with its id, action and payload", "[ocpp][endpoint]")
{
    Harness h;
    CHECK(h.endpoint->on_text(R"([2,"a1","Authorize",{"idTag":"TAG1"}])"));
    REQUIRE(h.dispatcher->calls.size() == 1);
    const auto& d = h.dispatcher->calls[0];
    CHECK(d.call.unique_id() == "a1");
    CHECK(d.call.action() == "Authorize");
    CHECK(json(d.payload) == json(R"({"idTag":"TAG1"})"));
    CHECK(h.sent().empty());
}

TEST_CASE("Endpoint: result() sends [3,id,payload] to the charger", "[ocpp][endpoint]")
{
    Harness h;
    REQUIRE(h.endpoint->on_text(R"([2,"hb-1","Heartbeat",{}])"));
    REQUIRE(h.dispatcher->calls.size() == 1);
    h.dispatcher->calls[0].call.result(json(heartbeat_answer));
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    check_call_result(sent[0], "hb-1", heartbeat_answer);
}

TEST_CASE("Endpoint: a dispatcher may answer from inside dispatch()", "[ocpp][endpoint]")
{
    Harness h;
    h.dispatcher->respond = [](const IncomingCall& call, const rapidjson::Value&) {
        call.result(json(R"({"idTagInfo":{"status":"Accepted"}})"));
    };
    REQUIRE(h.endpoint->on_text(R"([2,"a2","Authorize",{"idTag":"TAG1"}])"));
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    check_call_result(sent[0], "a2", R"({"idTagInfo":{"status":"Accepted"}})");
}

TEST_CASE("Endpoint: an answer given on another thread reaches the charger", "[ocpp][endpoint]")
{
    Harness h;
    REQUIRE(h.endpoint->on_text(R"([2,"hb-t","Heartbeat",{}])"));
    REQUIRE(h.dispatcher->calls.size() == 1);
    IncomingCall call = h.dispatcher->calls[0].call;
    auto answer = std::make_shared<rapidjson::Document>(json(heartbeat_answer));
    std::thread writer([call, answer] { call.result(std::move(*answer)); });
    writer.join();
    auto sent = h.connection->wait_for_frames(1);
    REQUIRE(sent.size() == 1);
    check_call_result(sent[0], "hb-t", heartbeat_answer);
}

TEST_CASE("Endpoint: error() sends a CALLERROR with the given code and the charger's id", "[ocpp][endpoint]")
{
    Harness h;
    REQUIRE(h.endpoint->on_text(R"([2,"e1","Heartbeat",{}])"));
    REQUIRE(h.dispatcher->calls.size() == 1);
    h.dispatcher->calls[0].call.error(ErrorCode::GenericError, "store unavailable");
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    check_call_error(sent[0], "e1", "GenericError");
    CHECK(str(frame(sent[0])[3]) == "store unavailable");
}

TEST_CASE("Endpoint: a result that breaks its response schema is replaced by InternalError", "[ocpp][endpoint]")
{
    Harness h;
    REQUIRE(h.endpoint->on_text(R"([2,"hb-2","Heartbeat",{}])"));
    REQUIRE(h.dispatcher->calls.size() == 1);
    h.dispatcher->calls[0].call.result(json(R"({"currentTime":42})"));
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    check_call_error(sent[0], "hb-2", "InternalError");
}

TEST_CASE("Endpoint: a call answered_with another backend's result sends that result whatever this side answers",
          "[ocpp][endpoint]")
{
    Harness h;
    REQUIRE(h.endpoint->on_text(R"([2,"b1","BootNotification",{"chargePointVendor":"V","chargePointModel":"M"}])"));
    REQUIRE(h.dispatcher->calls.size() == 1);
    constexpr std::string_view primary = R"({"status":"Pending","currentTime":"2026-11-26T08:30:00Z","interval":77})";
    auto replaced = h.dispatcher->calls[0].call.answered_with(
        std::make_shared<ReplacementAnswer>(ReplacementAnswer{std::string(primary), {}, {}}));
    CHECK(h.sent().empty());
    replaced.result(json(R"({"status":"Accepted","currentTime":"2026-11-26T08:30:00Z","interval":300})"));
    replaced.error(ErrorCode::InternalError, "a second answer is dropped");
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    check_call_result(sent[0], "b1", primary);
}

TEST_CASE("Endpoint: a call answered_with another backend's CALLERROR sends that error when this side answers",
          "[ocpp][endpoint]")
{
    Harness h;
    h.dispatcher->respond = [](const IncomingCall& call, const rapidjson::Value&) {
        call.answered_with(std::make_shared<ReplacementAnswer>(
                               ReplacementAnswer{std::nullopt, ErrorCode::SecurityError, "unknown charger"}))
            .result_on_strand(json(heartbeat_answer));
    };
    REQUIRE(h.endpoint->on_text(R"([2,"h9","Heartbeat",{}])"));
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    check_call_error(sent[0], "h9", "SecurityError");
    CHECK(str(frame(sent[0])[3]) == "unknown charger");
}

TEST_CASE("Endpoint: another backend's result that breaks the response schema becomes InternalError",
          "[ocpp][endpoint]")
{
    Harness h;
    const std::vector<std::string> bad{R"({"currentTime":42})", "[1]", "{"};
    for (std::size_t i = 0; i < bad.size(); ++i) {
        INFO(bad[i]);
        const auto id = "h10-" + std::to_string(i);
        REQUIRE(h.endpoint->on_text(R"([2,")" + id + R"(","Heartbeat",{}])"));
        REQUIRE(h.dispatcher->calls.size() == i + 1);
        auto replaced = h.dispatcher->calls[i].call.answered_with(
            std::make_shared<ReplacementAnswer>(ReplacementAnswer{bad[i], {}, {}}));
        replaced.result_from([] { return json(heartbeat_answer); });
        auto sent = h.sent();
        REQUIRE(sent.size() == i + 1);
        check_call_error(sent[i], id, "InternalError");
    }
}

TEST_CASE("Endpoint: a replaced call answered without_replacement sends this side's own answer", "[ocpp][endpoint]")
{
    Harness h;
    REQUIRE(h.endpoint->on_text(R"([2,"h11","Heartbeat",{}])"));
    REQUIRE(h.dispatcher->calls.size() == 1);
    auto replaced = h.dispatcher->calls[0].call.answered_with(
        std::make_shared<ReplacementAnswer>(ReplacementAnswer{std::string(heartbeat_answer), {}, {}}));
    replaced.without_replacement().error(ErrorCode::InternalError, "could not store the message; please retry");
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    check_call_error(sent[0], "h11", "InternalError");
}

TEST_CASE("Endpoint: error codes are read back from their OCPP spelling", "[ocpp][endpoint]")
{
    for (auto code : all_error_codes) {
        CHECK(error_code_from(to_string(code)) == code);
    }
    CHECK_FALSE(error_code_from("OccurrenceConstraintViolation").has_value());
    CHECK_FALSE(error_code_from("").has_value());
}

TEST_CASE("Endpoint: a dispatcher that throws makes the charger get InternalError", "[ocpp][endpoint]")
{
    Harness h;
    h.dispatcher->respond = [](const IncomingCall&, const rapidjson::Value&) {
        throw std::runtime_error("SELECT * FROM secrets");
    };
    CHECK(h.endpoint->on_text(R"([2,"t1","Heartbeat",{}])"));
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    check_call_error(sent[0], "t1", "InternalError");
    CHECK(sent[0].find("secrets") == std::string::npos);

    // The id is no longer pending: a late answer is dropped.
    h.dispatcher->calls[0].call.result(json(heartbeat_answer));
    CHECK(h.sent().size() == 1);
}

TEST_CASE("Endpoint: answering a CALL twice sends only the first answer", "[ocpp][endpoint]")
{
    Harness h;
    REQUIRE(h.endpoint->on_text(R"([2,"d1","Heartbeat",{}])"));
    REQUIRE(h.dispatcher->calls.size() == 1);
    const auto& call = h.dispatcher->calls[0].call;
    call.result(json(heartbeat_answer));
    call.result(json(heartbeat_answer));
    call.error(ErrorCode::InternalError, "late");
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    check_call_result(sent[0], "d1", heartbeat_answer);
}

TEST_CASE("Endpoint: a CALL resent with the same id while the first is pending is not dispatched again",
          "[ocpp][endpoint]")
{
    Harness h;
    REQUIRE(h.endpoint->on_text(R"([2,"dup","Heartbeat",{}])"));
    REQUIRE(h.endpoint->on_text(R"([2,"dup","Heartbeat",{}])"));
    CHECK(h.dispatcher->calls.size() == 1);
    CHECK(h.sent().empty());

    h.dispatcher->calls[0].call.result(json(heartbeat_answer));
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    check_call_result(sent[0], "dup", heartbeat_answer);

    // Once answered, the id is free again: the charger may reuse it.
    REQUIRE(h.endpoint->on_text(R"([2,"dup","Heartbeat",{}])"));
    CHECK(h.dispatcher->calls.size() == 2);
}

TEST_CASE("Endpoint: a charger with max_pending_inbound unanswered CALLs is paused until one is answered",
          "[ocpp][endpoint]")
{
    EndpointOptions options;
    options.max_pending_inbound = 2;
    Harness h(options);
    CHECK(h.endpoint->on_text(R"([2,"p1","Heartbeat",{}])"));
    CHECK_FALSE(h.endpoint->on_text(R"([2,"p2","Heartbeat",{}])"));
    REQUIRE(h.dispatcher->calls.size() == 2);
    h.connection->drain();
    CHECK(h.connection->resumes() == 0);

    h.dispatcher->calls[0].call.result(json(heartbeat_answer));
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    check_call_result(sent[0], "p1", heartbeat_answer);
    CHECK(h.connection->resumes() == 1);

    // Answering the other one does not resume a second time.
    h.dispatcher->calls[1].call.error(ErrorCode::GenericError, "busy");
    CHECK(h.sent().size() == 2);
    CHECK(h.connection->resumes() == 1);

    CHECK(h.endpoint->on_text(R"([2,"p3","Heartbeat",{}])"));
}

TEST_CASE("Endpoint: CALLs refused before dispatch do not count towards max_pending_inbound", "[ocpp][endpoint]")
{
    EndpointOptions options;
    options.max_pending_inbound = 1;
    Harness h(options);
    CHECK(h.endpoint->on_text(R"([2,"r1","FlyToTheMoon",{}])"));
    CHECK(h.endpoint->on_text(R"([2,"r2","DataTransfer",{"vendorId":"ACME"}])"));
    CHECK(h.endpoint->on_text(R"([2,"r3","BootNotification",{}])"));
    CHECK(h.endpoint->on_text("not json"));
    CHECK(h.sent().size() == 4);
}

TEST_CASE("Endpoint: answers to CALLs from a charger that has gone are dropped", "[ocpp][endpoint]")
{
    Harness h;
    REQUIRE(h.endpoint->on_text(R"([2,"g1","Heartbeat",{}])"));
    REQUIRE(h.dispatcher->calls.size() == 1);
    h.endpoint->on_closed();
    h.dispatcher->calls[0].call.result(json(heartbeat_answer));
    CHECK(h.sent().empty());
}

// ---- outbound CALLs ----

TEST_CASE("Endpoint: call() sends [2,\"cs-1\",action,payload] to the charger", "[ocpp][endpoint]")
{
    Harness h;
    h.call("Reset", R"({"type":"Hard"})");
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0] == R"([2,"cs-1","Reset",{"type":"Hard"}])");
    check_call(sent[0], "cs-1", "Reset", R"({"type":"Hard"})");
    CHECK(h.outcomes.empty());
}

TEST_CASE("Endpoint: a second call() waits until the charger has answered the first", "[ocpp][endpoint]")
{
    Harness h;
    h.call("Reset", R"({"type":"Soft"})");
    h.call("ClearCache", "{}");
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    check_call(sent[0], "cs-1", "Reset", R"({"type":"Soft"})");

    CHECK(h.endpoint->on_text(R"([3,"cs-1",{"status":"Accepted"}])"));
    sent = h.sent();
    REQUIRE(sent.size() == 2);
    check_call(sent[1], "cs-2", "ClearCache", "{}");
    REQUIRE(h.outcomes.size() == 1);
    CHECK(h.outcomes[0].kind == CallOutcome::Kind::result);
}

TEST_CASE("Endpoint: a CALLRESULT completes the call with Kind::result and the charger's payload", "[ocpp][endpoint]")
{
    Harness h;
    h.call("Reset", R"({"type":"Hard"})");
    REQUIRE(h.sent().size() == 1);
    CHECK(h.endpoint->on_text(R"([3,"cs-1",{"status":"Rejected"}])"));
    REQUIRE(h.outcomes.size() == 1);
    CHECK(h.outcomes[0].kind == CallOutcome::Kind::result);
    CHECK(h.outcomes[0].payload == json(R"({"status":"Rejected"})"));
    CHECK(h.sent().size() == 1);
}

TEST_CASE("Endpoint: a CALLERROR completes the call with Kind::call_error, the code and description",
          "[ocpp][endpoint]")
{
    Harness h;
    h.call("Reset", R"({"type":"Hard"})");
    REQUIRE(h.sent().size() == 1);
    CHECK(h.endpoint->on_text(R"([4,"cs-1","NotSupported","no reset here",{}])"));
    REQUIRE(h.outcomes.size() == 1);
    CHECK(h.outcomes[0].kind == CallOutcome::Kind::call_error);
    CHECK(h.outcomes[0].error_code == "NotSupported");
    CHECK(h.outcomes[0].error_description == "no reset here");
    CHECK(h.sent().size() == 1);
}

TEST_CASE("Endpoint: a CALLRESULT that breaks the response schema completes with invalid_response", "[ocpp][endpoint]")
{
    Harness h;
    h.call("Reset", R"({"type":"Hard"})");
    h.call("ClearCache", "{}");
    REQUIRE(h.sent().size() == 1);
    CHECK(h.endpoint->on_text(R"([3,"cs-1",{"status":"Maybe"}])"));
    REQUIRE(h.outcomes.size() == 1);
    CHECK(h.outcomes[0].kind == CallOutcome::Kind::invalid_response);
    CHECK(h.outcomes[0].error_code == "PropertyConstraintViolation");

    // The charger is not sent a CALLERROR for its answer; the next call goes out.
    auto sent = h.sent();
    REQUIRE(sent.size() == 2);
    check_call(sent[1], "cs-2", "ClearCache", "{}");
}

TEST_CASE("Endpoint: a malformed answer carrying the in-flight id completes with invalid_response", "[ocpp][endpoint]")
{
    Harness h;
    h.call("Reset", R"({"type":"Hard"})");
    REQUIRE(h.sent().size() == 1);
    CHECK(h.endpoint->on_text(R"([3,"cs-1","Accepted"])"));
    REQUIRE(h.outcomes.size() == 1);
    CHECK(h.outcomes[0].kind == CallOutcome::Kind::invalid_response);
    CHECK(h.sent().size() == 1);
}

TEST_CASE("Endpoint: a call the charger does not answer in time completes with timeout and the next goes out",
          "[ocpp][endpoint]")
{
    Harness h;
    h.call("Reset", R"({"type":"Hard"})");
    h.call("ClearCache", "{}");
    REQUIRE(h.sent().size() == 1);
    REQUIRE(h.connection->timer_count() == 1);

    h.connection->fire_timers();
    REQUIRE(h.outcomes.size() == 1);
    CHECK(h.outcomes[0].kind == CallOutcome::Kind::timeout);
    auto sent = h.sent();
    REQUIRE(sent.size() == 2);
    check_call(sent[1], "cs-2", "ClearCache", "{}");

    // The late answer to the first call is ignored; the second is still open.
    CHECK(h.endpoint->on_text(R"([3,"cs-1",{"status":"Accepted"}])"));
    CHECK(h.outcomes.size() == 1);
    CHECK(h.endpoint->on_text(R"([3,"cs-2",{"status":"Accepted"}])"));
    REQUIRE(h.outcomes.size() == 2);
    CHECK(h.outcomes[1].kind == CallOutcome::Kind::result);
    CHECK(h.sent().size() == 2);
}

TEST_CASE("Endpoint: the timer of an answered call does nothing when it fires", "[ocpp][endpoint]")
{
    Harness h;
    h.call("Reset", R"({"type":"Hard"})");
    h.call("ClearCache", "{}");
    REQUIRE(h.sent().size() == 1);
    CHECK(h.endpoint->on_text(R"([3,"cs-1",{"status":"Accepted"}])"));
    REQUIRE(h.sent().size() == 2);
    REQUIRE(h.outcomes.size() == 1);

    // Fires the first call's stale timer and the second call's real one.
    h.connection->fire_timers();
    REQUIRE(h.outcomes.size() == 2);
    CHECK(h.outcomes[1].kind == CallOutcome::Kind::timeout);
}

TEST_CASE("Endpoint: a closed connection completes in-flight and queued calls with closed", "[ocpp][endpoint]")
{
    Harness h;
    h.call("Reset", R"({"type":"Hard"})");
    h.call("ClearCache", "{}");
    h.call("Reset", R"({"type":"Soft"})");
    REQUIRE(h.sent().size() == 1);

    h.endpoint->on_closed();
    REQUIRE(h.outcomes.size() == 3);
    for (const auto& outcome : h.outcomes) {
        CHECK(outcome.kind == CallOutcome::Kind::closed);
    }
    CHECK(h.dispatcher->closed == 1);
    CHECK(h.sent().size() == 1);

    // A timer that fires afterwards finds nothing to time out.
    h.connection->fire_timers();
    CHECK(h.outcomes.size() == 3);
}

TEST_CASE("Endpoint: a call() after the connection closed completes with closed and sends nothing", "[ocpp][endpoint]")
{
    Harness h;
    h.endpoint->on_closed();
    CHECK(h.dispatcher->closed == 1);
    h.call("Reset", R"({"type":"Hard"})");
    CHECK(h.sent().empty());
    REQUIRE(h.outcomes.size() == 1);
    CHECK(h.outcomes[0].kind == CallOutcome::Kind::closed);
}

TEST_CASE("Endpoint: a CALLRESULT or CALLERROR with an unknown id is ignored", "[ocpp][endpoint]")
{
    Harness h;
    CHECK(h.endpoint->on_text(R"([3,"nobody",{"status":"Accepted"}])"));
    CHECK(h.endpoint->on_text(R"([4,"nobody","GenericError","",{}])"));
    CHECK(h.sent().empty());

    h.call("Reset", R"({"type":"Hard"})");
    REQUIRE(h.sent().size() == 1);
    CHECK(h.endpoint->on_text(R"([3,"cs-9",{"status":"Accepted"}])"));
    CHECK(h.endpoint->on_text(R"([4,"cs-9","GenericError","",{}])"));
    CHECK(h.outcomes.empty());
    CHECK(h.sent().size() == 1);

    // The in-flight call is still answerable.
    CHECK(h.endpoint->on_text(R"([3,"cs-1",{"status":"Accepted"}])"));
    REQUIRE(h.outcomes.size() == 1);
    CHECK(h.outcomes[0].kind == CallOutcome::Kind::result);
}

TEST_CASE("Endpoint: a call() whose payload breaks its schema is never sent and completes with invalid_request",
          "[ocpp][endpoint]")
{
    Harness h;
    h.call("Reset", R"({"type":"Warm"})");
    h.call("ClearCache", "{}");
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    check_call(sent[0], "cs-1", "ClearCache", "{}");
    REQUIRE(h.outcomes.size() == 1);
    CHECK(h.outcomes[0].kind == CallOutcome::Kind::invalid_request);
    CHECK(h.outcomes[0].error_code == "PropertyConstraintViolation");
}

TEST_CASE("Endpoint: call() beyond max_queued_outbound completes with queue_full", "[ocpp][endpoint]")
{
    EndpointOptions options;
    options.max_queued_outbound = 1;
    Harness h(options);
    h.call("Reset", R"({"type":"Hard"})"); // in flight
    h.call("ClearCache", "{}");            // queued
    h.call("Reset", R"({"type":"Soft"})"); // refused
    REQUIRE(h.sent().size() == 1);
    REQUIRE(h.outcomes.size() == 1);
    CHECK(h.outcomes[0].kind == CallOutcome::Kind::queue_full);
}

TEST_CASE("Endpoint: close() closes the WebSocket with the given code", "[ocpp][endpoint]")
{
    Harness h;
    h.endpoint->close(1001, "replaced by a newer connection");
    CHECK(h.connection->close_code() == std::optional<std::uint16_t>(1001));
}

// ---- metrics ----

TEST_CASE("Endpoint: csms_messages_total and csms_callerrors_total count answers by action, result and code",
          "[ocpp][endpoint][metrics]")
{
    Harness h;
    const auto ok_heartbeat = R"(csms_messages_total{action="Heartbeat",result="ok"})";
    const auto bad_boot = R"(csms_messages_total{action="BootNotification",result="error"})";
    const auto unknown = R"(csms_messages_total{action="unknown",result="error"})";
    const auto not_implemented = R"(csms_callerrors_total{code="NotImplemented"})";
    const auto occurrence = R"(csms_callerrors_total{code="OccurenceConstraintViolation"})";
    const auto formation = R"(csms_callerrors_total{code="FormationViolation"})";
    const auto internal = R"(csms_callerrors_total{code="InternalError"})";
    const auto bad_heartbeat = R"(csms_messages_total{action="Heartbeat",result="error"})";

    auto before = h.metrics.render_prometheus();
    CHECK(sample(before, ok_heartbeat) == std::optional<std::uint64_t>(0));
    CHECK(sample(before, unknown) == std::optional<std::uint64_t>(0));
    CHECK(sample(before, not_implemented) == std::optional<std::uint64_t>(0));

    REQUIRE(h.endpoint->on_text(R"([2,"1","Heartbeat",{}])"));
    h.dispatcher->calls.at(0).call.result(json(heartbeat_answer));
    REQUIRE(h.endpoint->on_text(R"([2,"2","Heartbeat",{}])"));
    h.dispatcher->calls.at(1).call.result(json(R"({})"));
    REQUIRE(h.endpoint->on_text(R"([2,"3","FlyToTheMoon",{}])"));
    REQUIRE(h.endpoint->on_text(R"([2,"4","BootNotification",{}])"));
    REQUIRE(h.endpoint->on_text("{oops"));
    REQUIRE(h.sent().size() == 5);

    auto after = h.metrics.render_prometheus();
    INFO(after);
    CHECK(sample(after, ok_heartbeat) == std::optional<std::uint64_t>(1));
    CHECK(sample(after, bad_heartbeat) == std::optional<std::uint64_t>(1));
    CHECK(sample(after, bad_boot) == std::optional<std::uint64_t>(1));
    CHECK(sample(after, unknown) == std::optional<std::uint64_t>(1));
    CHECK(sample(after, not_implemented) == std::optional<std::uint64_t>(1));
    CHECK(sample(after, occurrence) == std::optional<std::uint64_t>(1));
    CHECK(sample(after, formation) == std::optional<std::uint64_t>(1));
    CHECK(sample(after, internal) == std::optional<std::uint64_t>(1));
}

TEST_CASE("Endpoint: actions only the central system sends have no inbound series; one a charger sends anyway is "
          "unknown",
          "[ocpp][endpoint][metrics]")
{
    Harness h;
    auto before = h.metrics.render_prometheus();
    INFO(before);
    for (const auto* server_only : {"Reset", "RemoteStartTransaction", "GetConfiguration", "CertificateSigned"}) {
        CHECK(before.find(std::string("action=\"") + server_only + "\"") == std::string::npos);
    }
    for (const auto* charger_sent : {"MeterValues", "SignCertificate", "DataTransfer"}) {
        CHECK(sample(before, std::string("csms_messages_total{action=\"") + charger_sent + "\",result=\"ok\"}") ==
              std::optional<std::uint64_t>(0));
        CHECK(sample(before, std::string("csms_message_handling_seconds_count{action=\"") + charger_sent + "\"}") ==
              std::optional<std::uint64_t>(0));
    }
    CHECK(before.find(R"(csms_messages_total{action="unknown",result="ok"})") == std::string::npos);
    h.dispatcher->handled.insert("Reset"); // not even a dispatcher that would take it gets it
    REQUIRE(h.endpoint->on_text(R"([2,"r1","Reset",{"type":"Hard"}])"));
    auto sent = h.sent();
    REQUIRE(sent.size() == 1);
    check_call_error(sent[0], "r1", "NotSupported");
    CHECK(h.dispatcher->calls.empty());
    auto after = h.metrics.render_prometheus();
    CHECK(after.find("action=\"Reset\"") == std::string::npos);
    CHECK(sample(after, R"(csms_messages_total{action="unknown",result="error"})") == std::optional<std::uint64_t>(1));
}

TEST_CASE("Endpoint: csms_message_handling_seconds observes each answered CALL, from receipt to answer",
          "[ocpp][endpoint][metrics]")
{
    Harness h;
    REQUIRE(h.endpoint->on_text(R"([2,"1","Heartbeat",{}])"));
    REQUIRE(h.endpoint->on_text(R"([2,"2","Heartbeat",{}])"));
    REQUIRE(h.endpoint->on_text(R"([2,"3","Heartbeat",{"extra":1}])")); // refused at the schema: not handled
    h.dispatcher->calls.at(0).call.result(json(heartbeat_answer));
    h.dispatcher->calls.at(1).call.error(ErrorCode::InternalError, "store down");
    h.sent();
    auto text = h.metrics.render_prometheus();
    INFO(text);
    CHECK(sample(text, R"(csms_message_handling_seconds_count{action="Heartbeat"})") ==
          std::optional<std::uint64_t>(2));
    CHECK(sample(text, R"(csms_message_handling_seconds_bucket{action="Heartbeat",le="10"})") ==
          std::optional<std::uint64_t>(2));
    CHECK(sample(text, R"(csms_message_handling_seconds_bucket{action="Heartbeat",le="+Inf"})") ==
          std::optional<std::uint64_t>(2));
    CHECK(text.find("\ncsms_message_handling_seconds_sum{action=\"Heartbeat\"} ") != std::string::npos);
}

TEST_CASE("Endpoint: csms_commands_total counts our CALLs by outcome; answered ones observe their round trip",
          "[ocpp][endpoint][metrics]")
{
    Harness h;
    h.call("Reset", R"({"type":"Hard"})");
    h.call("ClearCache", "{}");
    h.call("Reset", R"({"type":"Sideways"})"); // breaks its schema: never sent
    REQUIRE(h.sent().size() == 1);
    REQUIRE(h.endpoint->on_text(R"([3,"cs-1",{"status":"Accepted"}])"));
    REQUIRE(h.sent().size() == 2);
    REQUIRE(h.endpoint->on_text(R"([4,"cs-2","NotSupported","no",{}])"));
    REQUIRE(h.outcomes.size() == 3);
    auto text = h.metrics.render_prometheus();
    INFO(text);
    CHECK(sample(text, R"(csms_commands_total{outcome="result"})") == std::optional<std::uint64_t>(1));
    CHECK(sample(text, R"(csms_commands_total{outcome="call_error"})") == std::optional<std::uint64_t>(1));
    CHECK(sample(text, R"(csms_commands_total{outcome="invalid_request"})") == std::optional<std::uint64_t>(1));
    CHECK(sample(text, R"(csms_commands_total{outcome="timeout"})") == std::optional<std::uint64_t>(0));
    CHECK(sample(text, "csms_command_round_trip_seconds_count") == std::optional<std::uint64_t>(2));
    CHECK(sample(text, R"(csms_command_round_trip_seconds_bucket{le="0.01"})") == std::optional<std::uint64_t>(2));
}

TEST_CASE("Endpoint: a broken CALL that happens to reuse our in-flight id still gets its CALLERROR", "[ocpp][endpoint]")
{
    Harness h;
    h.call("Reset", R"({"type":"Hard"})");
    REQUIRE(h.sent().size() == 1);
    CHECK(h.endpoint->on_text(R"([2,"cs-1","Heartbeat"])"));
    CHECK(h.outcomes.empty());
    REQUIRE(h.sent().size() == 2);
    check_call_error(h.sent()[1], "cs-1", "ProtocolError");
}

TEST_CASE("Endpoint: a broken answer to no pending call is not answered", "[ocpp][endpoint]")
{
    Harness h;
    CHECK(h.endpoint->on_text(R"([3,"nobody",[]])"));
    CHECK(h.sent().empty());
}
