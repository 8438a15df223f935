// The one WebSocket client both simulator modes drive (client.hpp), against a
// small blocking WebSocket server on a thread: replies matched by id, the
// server's CALLs answered, nothing written once the close has begun.
#include "client.hpp"
#include "scenario.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

using namespace csms::sim;

namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Accepts one connection on a free loopback port and runs `script` on it.
class OneShotServer {
public:
    template <class Script>
    OneShotServer(bool select_subprotocol, Script script) : acceptor_(ioc_, {net::ip::make_address("127.0.0.1"), 0})
    {
        thread_ = std::thread([this, select_subprotocol, script] {
            tcp::socket socket(ioc_);
            acceptor_.accept(socket);
            websocket::stream<tcp::socket> ws(std::move(socket));
            ws.set_option(websocket::stream_base::decorator([select_subprotocol](websocket::response_type& res) {
                if (select_subprotocol) {
                    res.set(beast::http::field::sec_websocket_protocol, "ocpp1.6");
                }
            }));
            ws.accept();
            ws.text(true);
            script(ws);
        });
    }

    ~OneShotServer() { thread_.join(); }

    std::shared_ptr<const Endpoints> endpoints() const
    {
        return std::make_shared<Endpoints>(Endpoints{acceptor_.local_endpoint()});
    }

private:
    net::io_context ioc_;
    tcp::acceptor acceptor_;
    std::thread thread_;
};

std::string read_text(websocket::stream<tcp::socket>& ws)
{
    beast::flat_buffer buffer;
    ws.read(buffer);
    return beast::buffers_to_string(buffer.data());
}

// What the server saw after its last text: the close code, or the error.
std::string read_end(websocket::stream<tcp::socket>& ws)
{
    beast::flat_buffer buffer;
    beast::error_code ec;
    ws.read(buffer, ec);
    if (ec == websocket::error::closed) {
        return "close " + std::to_string(ws.reason().code);
    }
    return ec ? "error " + ec.message() : "text " + beast::buffers_to_string(buffer.data());
}

// Sends one Heartbeat on open; on its result closes, then tries one more
// CALL, which must not leave.
class HeartbeatThenClose final : public ChargerSchedule {
public:
    std::vector<std::string> events;

    void start(Client& client) override { client.connect(); }
    void on_open(Client& client) override
    {
        const std::string_view id = client.next_call_id();
        client.send_call("Heartbeat", "[2,\"" + std::string(id) + "\",\"Heartbeat\",{}]", true);
    }
    void on_result(Client& client, const rapidjson::Value&) override
    {
        events.push_back("result");
        client.close();
        const std::string_view id = client.next_call_id();
        client.send_call("Heartbeat", "[2,\"" + std::string(id) + "\",\"Heartbeat\",{}]");
    }
    void on_call_error(Client&, const csms::ocpp::Frame& frame) override
    {
        events.push_back("callerror " + frame.error_code);
    }
    void on_call_timeout(Client&, std::string reason) override { events.push_back("timeout " + reason); }
    ServerCallAnswer answer(Client&, const csms::ocpp::Frame& frame) override
    {
        events.push_back("call " + frame.action);
        return answer_server_call(frame.action);
    }
    void on_lost(Client& client, bool) override
    {
        events.push_back("lost");
        client.abort(client.lost_reason(""));
    }
    void on_ended(Client& client, const ConnectionEnd& end) override
    {
        events.push_back(end.failed ? "ended failed: " + end.reason : "ended");
        client.finish();
    }
};

struct Run {
    ChargerStats stats;
    std::vector<std::string> events;
    bool done = false;
};

Run run_client(const OneShotServer& server)
{
    net::io_context ioc;
    FrameLog log(stdout, false);
    auto schedule = std::make_unique<HeartbeatThenClose>();
    auto* events = &schedule->events;
    ClientSettings settings;
    settings.charge_point_id = "CLIENT-1";
    settings.host_header = "127.0.0.1";
    settings.target = "/ocpp/CLIENT-1";
    settings.call_timeout = std::chrono::milliseconds(5000);
    Run run;
    auto charger =
        make_client(ioc, server.endpoints(), nullptr, settings, std::move(schedule), log, [&] { run.done = true; });
    charger->start();
    ioc.run();
    run.stats = charger->stats();
    run.events = *events;
    return run;
}

} // namespace

TEST_CASE("sim client: replies matched by id, server CALLs answered, no write after the close", "[sim][client]")
{
    std::vector<std::string> seen;
    Run run;
    {
        OneShotServer server(true, [&seen](websocket::stream<tcp::socket>& ws) {
            seen.push_back(read_text(ws));
            ws.write(net::buffer(std::string(R"([3,"99",{}])"))); // nobody's id
            ws.write(net::buffer(std::string(R"([2,"srv-1","ClearCache",{}])")));
            seen.push_back(read_text(ws));
            ws.write(net::buffer(std::string(R"([3,"1",{"currentTime":"2026-01-01T00:00:00Z"}])")));
            seen.push_back(read_end(ws));
        });
        run = run_client(server);
    }
    CHECK(run.done);
    REQUIRE(seen.size() == 3);
    CHECK(seen[0] == R"([2,"1","Heartbeat",{}])");
    CHECK(seen[1] == R"([3,"srv-1",{"status":"Accepted"}])");
    CHECK(seen[2] == "close 1000"); // the CALL tried after close() never left
    CHECK(run.events == std::vector<std::string>{"call ClearCache", "result", "ended"});
    CHECK(run.stats.connected);
    CHECK(run.stats.connections == 1);
    CHECK(run.stats.unexpected == 1); // the reply to id 99
    CHECK(run.stats.failure.empty());
}

TEST_CASE("sim client: a server that selects no subprotocol gets no CALL and a close", "[sim][client]")
{
    std::string seen;
    Run run;
    {
        OneShotServer server(false, [&seen](websocket::stream<tcp::socket>& ws) { seen = read_end(ws); });
        run = run_client(server);
    }
    CHECK(run.done);
    CHECK(seen == "close 1000");
    CHECK(run.events == std::vector<std::string>{"ended failed: server did not select subprotocol ocpp1.6"});
    CHECK(run.stats.calls == 0);
}
