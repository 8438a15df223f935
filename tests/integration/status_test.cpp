// csmsd's contracts with the programs around it: the ready line scripts wait
// for, and the /health and /metrics endpoints monitoring scrapes.
#include "support/charger.hpp"
#include "support/csmsd_process.hpp"
#include "support/http_get.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <regex>

using namespace csms::test;

namespace {

rapidjson::Document health(const CsmsdProcess& csmsd)
{
    auto response = http_get(csmsd.admin_port(), "/health");
    INFO(response.error);
    REQUIRE(response.status == 200);
    CHECK(response.content_type == "application/json");
    rapidjson::Document doc;
    doc.Parse(response.body.c_str());
    INFO(response.body);
    REQUIRE_FALSE(doc.HasParseError());
    REQUIRE(doc.IsObject());
    return doc;
}

std::int64_t connected_chargers(const CsmsdProcess& csmsd)
{
    auto response = http_get(csmsd.admin_port(), "/health");
    rapidjson::Document doc;
    doc.Parse(response.body.c_str());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("connected_chargers") ||
        !doc["connected_chargers"].IsInt64()) {
        return -1;
    }
    return doc["connected_chargers"].GetInt64();
}

} // namespace

TEST_CASE("csmsd: the ready line names the actual ports, wss off", "[e2e][contract]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    static const std::regex format(R"(^csmsd ready ws=127\.0\.0\.1:([0-9]+) wss=- admin=127\.0\.0\.1:([0-9]+)$)");
    std::smatch m;
    REQUIRE(std::regex_match(csmsd.ready_line(), m, format));
    CHECK(csmsd.ws_port() != 0);
    CHECK(csmsd.admin_port() != 0);
    CHECK(csmsd.ws_port() != csmsd.admin_port());
    // The ports printed are the ones that answer.
    WsClient client;
    CHECK(client.connect(csmsd.ws_port(), "/ocpp/READY-1").ok);
    CHECK(http_get(csmsd.admin_port(), "/health").status == 200);
}

TEST_CASE("/health: status, version, uptime, database and connected chargers", "[e2e][admin]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    {
        auto doc = health(csmsd);
        REQUIRE(doc.HasMember("status"));
        CHECK(std::string(doc["status"].GetString()) == "ok");
        REQUIRE(doc.HasMember("version"));
        REQUIRE(doc["version"].IsString());
        CHECK(std::regex_match(std::string(doc["version"].GetString()), std::regex(R"(\d+\.\d+\.\d+.*)")));
        REQUIRE(doc.HasMember("uptime_s"));
        REQUIRE(doc["uptime_s"].IsInt64());
        CHECK(doc["uptime_s"].GetInt64() >= 0);
        REQUIRE(doc.HasMember("database"));
        CHECK(std::string(doc["database"].GetString()) == "ok");
        REQUIRE(doc.HasMember("connected_chargers"));
        CHECK(doc["connected_chargers"].GetInt64() == 0);
    }

    auto charger = accepted_charger(csmsd.ws_port(), "HEALTH-1");
    CHECK(connected_chargers(csmsd) == 1);
    auto second = accepted_charger(csmsd.ws_port(), "HEALTH-2");
    CHECK(connected_chargers(csmsd) == 2);

    charger->close();
    CHECK(wait_until([&] { return connected_chargers(csmsd) == 1; }, std::chrono::seconds(5)));
    second->close();
    CHECK(wait_until([&] { return connected_chargers(csmsd) == 0; }, std::chrono::seconds(5)));
}

TEST_CASE("/metrics: Prometheus text counting answered messages by action", "[e2e][admin]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    auto charger = accepted_charger(csmsd.ws_port(), "METRICS-1");
    REQUIRE(is_call_result(charger->call("Heartbeat", "{}")));
    REQUIRE(is_call_result(charger->call("Heartbeat", "{}")));
    REQUIRE(error_code(charger->call("FooBar", "{}")) == "NotImplemented");

    auto response = http_get(csmsd.admin_port(), "/metrics");
    REQUIRE(response.status == 200);
    CHECK(response.content_type.starts_with("text/plain"));
    const std::string& text = response.body;
    INFO(text);
    CHECK(text.find("# TYPE csms_messages_total counter\n") != std::string::npos);
    CHECK(text.find("\ncsms_messages_total{action=\"Heartbeat\",result=\"ok\"} 2\n") != std::string::npos);
    CHECK(text.find("\ncsms_messages_total{action=\"BootNotification\",result=\"ok\"} 1\n") != std::string::npos);
    CHECK(text.find("\ncsms_callerrors_total{code=\"NotImplemented\"} 1\n") != std::string::npos);
    // Every sample line is "name{labels} value" or "name value".
    static const std::regex sample(R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? -?[0-9.eE+-]+$)");
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        REQUIRE(end != std::string::npos); // ends with a newline
        std::string line = text.substr(start, end - start);
        if (!line.starts_with("#")) {
            INFO(line);
            CHECK(std::regex_match(line, sample));
        }
        start = end + 1;
    }
}

TEST_CASE("admin listener: unknown paths are 404", "[e2e][admin]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    CHECK(http_get(csmsd.admin_port(), "/nope").status == 404);
    CHECK(http_get(csmsd.admin_port(), "/healthz").status == 404);
    CHECK(http_get(csmsd.admin_port(), "/").status == 404);
    // The query string does not change the route.
    CHECK(http_get(csmsd.admin_port(), "/health?verbose=1").status == 200);
}
