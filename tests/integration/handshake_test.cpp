// The WebSocket upgrade as a charger sees it: ws://HOST:PORT/ocpp/{id} with
// subprotocol ocpp1.6, anything else refused with an HTTP status.
#include "support/charger.hpp"
#include "support/csmsd_process.hpp"
#include "support/http_get.hpp"
#include "support/test_db.hpp"

#include <catch2/catch.hpp>

using namespace csms::test;

TEST_CASE("Upgrade: ocpp1.6 is echoed and the charger is served", "[e2e][handshake]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    WsClient client;
    auto result = client.connect(csmsd.ws_port(), "/ocpp/HS-OK");
    INFO(result.error);
    REQUIRE(result.ok);
    CHECK(result.http_status == 101);
    CHECK(result.subprotocol == "ocpp1.6");
    CHECK(boot(client) == "Accepted");
}

TEST_CASE("Upgrade: ocpp1.6 is chosen among several offered subprotocols", "[e2e][handshake]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    WsClient client;
    auto result = client.connect(csmsd.ws_port(), "/ocpp/HS-MULTI", "ocpp2.0.1, ocpp1.6");
    INFO(result.error);
    REQUIRE(result.ok);
    CHECK(result.subprotocol == "ocpp1.6");
    CHECK(boot(client) == "Accepted");
}

TEST_CASE("Upgrade: refusals carry an HTTP status and reach nothing", "[e2e][handshake]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    struct Refusal {
        const char* what;
        std::string path;
        std::string subprotocol;
        unsigned status;
    };
    const std::vector<Refusal> refusals{
        {"no subprotocol", "/ocpp/HS-1", "", 400},
        {"only another subprotocol", "/ocpp/HS-2", "ocpp2.0.1", 400},
        {"a subprotocol that merely contains ocpp1.6", "/ocpp/HS-3", "ocpp1.6x", 400},
        {"wrong path", "/foo/HS-4", "ocpp1.6", 404},
        {"no charger id", "/ocpp", "ocpp1.6", 404},
        {"empty charger id", "/ocpp/", "ocpp1.6", 404},
        {"charger id with a slash", "/ocpp/HS/5", "ocpp1.6", 404},
        {"charger id with an encoded slash", "/ocpp/HS%2F6", "ocpp1.6", 404},
        {"charger id with a control character", "/ocpp/HS%0A7", "ocpp1.6", 404},
        {"broken percent-encoding", "/ocpp/HS%G8", "ocpp1.6", 404},
        {"charger id over 64 characters", "/ocpp/" + std::string(65, 'C'), "ocpp1.6", 404},
    };
    for (const auto& r : refusals) {
        INFO(r.what << ": " << r.path << " [" << r.subprotocol << "]");
        WsClient client;
        auto result = client.connect(csmsd.ws_port(), r.path, r.subprotocol);
        CHECK_FALSE(result.ok);
        CHECK(result.http_status == r.status);
    }
    // A plain GET (no upgrade) is told to upgrade.
    CHECK(http_get(csmsd.ws_port(), "/ocpp/HS-9").status == 426);

    TestDb db(csmsd.db_path());
    CHECK(db.count("chargers") == 0);
    auto response = http_get(csmsd.admin_port(), "/health");
    CHECK(response.body.find("\"connected_chargers\":0") != std::string::npos);
}

TEST_CASE("Upgrade: a percent-encoded charger id is decoded, 64 characters allowed", "[e2e][handshake]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    auto spaced = accepted_charger(csmsd.ws_port(), "HS%20SPACE");
    const std::string long_id(64, 'L');
    auto longest = accepted_charger(csmsd.ws_port(), long_id);
    TestDb db(csmsd.db_path());
    CHECK(db.rows("SELECT charger_id FROM chargers ORDER BY charger_id") ==
          std::vector<TestDb::Row>{{"HS SPACE"}, {long_id}});
}
