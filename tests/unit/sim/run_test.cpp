// run_slice end to end against a port nobody listens on: real sockets, no
// csmsd (the csmsd-backed runs are in tests/integration).
#include "run.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

using namespace csms::sim;

namespace {

// A loopback port that refuses connections: bound, then closed again.
std::string closed_port_url()
{
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor acceptor(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    const auto port = acceptor.local_endpoint().port();
    acceptor.close();
    return "ws://127.0.0.1:" + std::to_string(port) + "/ocpp";
}

Options base_options(const std::string& mode)
{
    Options o;
    o.url = closed_port_url();
    o.mode = mode;
    o.chargers = 6;
    o.threads = 1;
    o.call_timeout_ms = 2000;
    return o;
}

} // namespace

TEST_CASE("sim storm: chargers that never reach the server give up at the storm timeout", "[sim][run]")
{
    Options o = base_options("storm");
    o.retry = "backoff";
    o.storm_timeout = 0.3;
    o.source_addresses = "127.0.0.2-127.0.0.3";
    REQUIRE_FALSE(validate(o));
    const WsUrl url = std::get<WsUrl>(parse_ws_url(o.url));
    const RunPlan plan = plan_run(o, std::chrono::steady_clock::now());
    const RunTotals t = run_slice(o, url, Slice{1, 6}, plan, nullptr, "");
    CHECK(t.chargers == 6);
    CHECK(t.completed == 0);
    CHECK(t.converged == 0);
    CHECK(t.connections == 0);
    CHECK(t.connect_failures >= 6);
    CHECK(t.connect_failures == t.retries + 6);
    CHECK(t.errors == 0); // retried failures are not call errors
    REQUIRE_FALSE(t.failures.empty());
    CHECK_THAT(t.failures[0].second, Catch::StartsWith("not converged within --storm-timeout"));
}

TEST_CASE("sim load: a charger that cannot connect fails the run", "[sim][run]")
{
    Options o = base_options("load");
    o.heartbeat_interval = 0.1;
    o.duration_seconds = 0.2;
    o.settle_seconds = 0;
    const WsUrl url = std::get<WsUrl>(parse_ws_url(o.url));
    const RunPlan plan = plan_run(o, std::chrono::steady_clock::now());
    const RunTotals t = run_slice(o, url, Slice{3, 5}, plan, nullptr, "");
    CHECK(t.chargers == 3);
    CHECK(t.completed == 0);
    CHECK(t.connect_failures == 3);
    CHECK(t.failure_count == 3);
    REQUIRE(t.failures.size() == 3);
    CHECK(t.failures[0].first == "SIM-0003");
    CHECK_THAT(t.failures[0].second, Catch::StartsWith("connect: "));
}

TEST_CASE("sim load: the plan puts the window after the ramp and the settling time", "[sim][run]")
{
    Options o = base_options("load");
    o.chargers = 100;
    o.ramp_seconds = 10;
    o.settle_seconds = 2;
    o.duration_seconds = 30;
    const auto now = std::chrono::steady_clock::now();
    const RunPlan plan = plan_run(o, now);
    CHECK(plan.load_start - now == std::chrono::seconds(12));
    CHECK(plan.load_end - plan.load_start == std::chrono::seconds(30));
    CHECK(connect_delay(o, 1) == SteadyDuration{0});
    CHECK(connect_delay(o, 51) == std::chrono::seconds(5));
    o.mode = "storm";
    CHECK(connect_delay(o, 51) == SteadyDuration{0}); // storms dial at once
    o.mode = "script";
    o.connect_rate = 10;
    CHECK(connect_delay(o, 11) == std::chrono::seconds(1));
}
