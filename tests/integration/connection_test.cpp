// Connection-level behaviour a charger notices: the frame size cap and a
// charger that reconnects while its old socket still looks open.
#include "support/charger.hpp"
#include "support/csmsd_process.hpp"
#include "support/http_get.hpp"
#include "support/test_db.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace csms::test;

namespace {

std::string data_transfer(std::size_t data_bytes)
{
    return JsonObject().set("vendorId", "e2e").set("data", std::string(data_bytes, 'd')).str();
}

} // namespace

TEST_CASE("ocpp.max_frame_bytes: a bigger frame closes that session with 1009, others carry on", "[e2e][limits]")
{
    TempDir dir;
    const std::string config = dir.file("csmsd.toml");
    std::ofstream(config) << "[ocpp]\nmax_frame_bytes = 4096\n";
    CsmsdProcess csmsd(dir, CsmsdOptions{true, {"--config", config}, {}, std::chrono::seconds(20)});

    auto big = accepted_charger(csmsd.ws_port(), "BIG-1");
    auto bystander = accepted_charger(csmsd.ws_port(), "SMALL-1");

    // Just under the cap still works.
    auto fits = big->call("DataTransfer", data_transfer(3900));
    REQUIRE(is_call_result(fits));
    CHECK(result_string(fits, "status") == "UnknownVendorId");

    REQUIRE(big->send_text(R"([2,"too-big","DataTransfer",)" + data_transfer(5000) + "]"));
    auto closed = big->wait_closed(std::chrono::seconds(5));
    REQUIRE(closed.status == ReadStatus::closed);
    INFO(closed.error);
    REQUIRE(closed.close_code);
    CHECK(*closed.close_code == 1009);
    CHECK(big->unmatched().empty()); // no answer to the oversize CALL

    CHECK(is_call_result(bystander->call("Heartbeat", "{}")));
    auto again = accepted_charger(csmsd.ws_port(), "BIG-1");
    CHECK(is_call_result(again->call("Heartbeat", "{}")));

    TestDb db(csmsd.db_path());
    CHECK(db.count("data_transfers") == 1); // only the one that fitted
    auto metrics = http_get(csmsd.admin_port(), "/metrics");
    CHECK(metrics.body.find("\ncsms_frames_too_big_total 1\n") != std::string::npos);
}

TEST_CASE("Reconnect: the same charger id connecting again replaces the old session", "[e2e][reconnect]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    auto first = accepted_charger(csmsd.ws_port(), "RECON-1");
    REQUIRE(is_call_result(first->call("Heartbeat", "{}")));

    auto second = connect_charger(csmsd.ws_port(), "RECON-1");
    auto closed = first->wait_closed(std::chrono::seconds(5));
    REQUIRE(closed.status == ReadStatus::closed);
    INFO(closed.error);
    REQUIRE(closed.close_code);
    CHECK(*closed.close_code == 1000);

    // The new connection needs no second BootNotification: the charger is
    // known and accepted.
    auto heartbeat = second->call("Heartbeat", "{}");
    CHECK(is_call_result(heartbeat));
    auto status = second->call("StatusNotification", status_payload(1, "Available", test_time(0)));
    CHECK(is_call_result(status));

    // The old session's departure must not unregister the new one.
    auto health = http_get(csmsd.admin_port(), "/health");
    CHECK(health.body.find("\"connected_chargers\":1") != std::string::npos);

    // And a third time, after a BootNotification on the second.
    CHECK(boot(*second) == "Accepted");
    auto third = connect_charger(csmsd.ws_port(), "RECON-1");
    auto closed2 = second->wait_closed(std::chrono::seconds(5));
    REQUIRE(closed2.status == ReadStatus::closed);
    CHECK(is_call_result(third->call("Heartbeat", "{}")));
    health = http_get(csmsd.admin_port(), "/health");
    CHECK(health.body.find("\"connected_chargers\":1") != std::string::npos);

    third->close();
    CHECK(wait_until(
        [&] {
            return http_get(csmsd.admin_port(), "/health").body.find("\"connected_chargers\":0") != std::string::npos;
        },
        std::chrono::seconds(5)));
}
