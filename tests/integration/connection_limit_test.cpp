// --max-connections as an operator sets it: chargers over the limit are
// told to come back later (503 + Retry-After), the others are served.
#include "support/charger.hpp"
#include "support/csmsd_process.hpp"
#include "support/http_get.hpp"
#include "support/raw_socket.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>

using namespace csms::test;

TEST_CASE("csmsd max_connections flag: the connection over the limit gets 503 and a freed place is taken again",
          "[e2e][limits][connection]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir, CsmsdOptions{true, {"--max-connections", "2"}, {}, std::chrono::seconds(20)});
    auto first = accepted_charger(csmsd.ws_port(), "LIM-1");
    auto second = accepted_charger(csmsd.ws_port(), "LIM-2");

    RawSocket third;
    CHECK(third.upgrade(csmsd.ws_port(), "/ocpp/LIM-3") == "HTTP/1.1 503 Service Unavailable");
    CHECK(third.response_headers().find("Retry-After: 10\r\n") != std::string::npos);
    CHECK(third.wait_eof(std::chrono::seconds(5)));
    auto metrics = http_get(csmsd.admin_port(), "/metrics").body;
    INFO(metrics);
    CHECK(metrics.find("\ncsms_connections_refused_total{listener=\"ws\",reason=\"limit\"} 1\n") != std::string::npos);

    CHECK(is_call_result(first->call("Heartbeat", "{}")));
    CHECK(is_call_result(second->call("Heartbeat", "{}")));

    first->close();
    std::unique_ptr<WsClient> later;
    CHECK(wait_until(
        [&] {
            later = std::make_unique<WsClient>();
            return later->connect(csmsd.ws_port(), "/ocpp/LIM-3").ok;
        },
        std::chrono::seconds(10), std::chrono::milliseconds(50)));
    CHECK(boot(*later) == "Accepted");
    CHECK(is_call_result(second->call("Heartbeat", "{}")));
}
