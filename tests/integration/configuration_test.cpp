// csmsd's command line and config file as an operator meets them: settings
// take effect, mistakes stop it with exit code 1 and one line on stderr.
#include "support/charger.hpp"
#include "support/csmsd_process.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

using namespace csms::test;

namespace {

std::string write_config(const TempDir& dir, const std::string& text)
{
    const std::string path = dir.file("csmsd.toml");
    std::ofstream(path) << text;
    return path;
}

ProcessResult run_csmsd(const TempDir& dir, std::vector<std::string> args)
{
    args.insert(args.begin(), bin_path("csmsd"));
    return run_program(args, dir.file("stderr.log"), std::chrono::seconds(15));
}

std::size_t lines(const std::string& text)
{
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

} // namespace

TEST_CASE("Config file: [ocpp] intervals reach the charger in BootNotification", "[e2e][config]")
{
    TempDir dir;
    auto config = write_config(
        dir, "[security]\nallow_profile_0 = true\n[ocpp]\nheartbeat_interval_s = 42\nboot_retry_interval_s = 7\n");
    {
        CsmsdProcess dev(dir, CsmsdOptions{true, {"--config", config}, {}, std::chrono::seconds(20)});
        auto charger = connect_charger(dev.ws_port(), "CFG-1");
        auto reply = charger->call("BootNotification", boot_payload());
        CHECK(result_string(reply, "status") == "Accepted");
        CHECK(result_string(reply, "interval") == "42");
    }
    CsmsdProcess production(dir,
                            CsmsdOptions{false, {"--config", config}, dir.file("other.db"), std::chrono::seconds(20)});
    auto stranger = connect_charger(production.ws_port(), "CFG-2");
    auto reply = stranger->call("BootNotification", boot_payload());
    CHECK(result_string(reply, "status") == "Rejected");
    CHECK(result_string(reply, "interval") == "7");
}

TEST_CASE("csmsd: mistakes exit 1 with a one-line error", "[e2e][config]")
{
    TempDir dir;
    const std::string db = dir.file("csms.db");
    auto check_mistake = [&](const char* what, std::vector<std::string> args, const char* mentions) {
        INFO(what);
        std::ofstream(dir.file("stderr.log"), std::ios::trunc).close();
        std::vector<std::string> full{"--admin-listen", "127.0.0.1:0", "--db", db};
        if (std::find(args.begin(), args.end(), "--listen") == args.end()) {
            full.insert(full.end(), {"--listen", "127.0.0.1:0"});
        }
        full.insert(full.end(), args.begin(), args.end());
        auto result = run_csmsd(dir, full);
        INFO("stdout: " << result.out);
        INFO("stderr: " << result.errors);
        CHECK(result.status.describe() == "exit code 1");
        CHECK(result.out.find("csmsd ready") == std::string::npos);
        CHECK(lines(result.errors) == 1);
        CHECK(result.errors.find(mentions) != std::string::npos);
    };
    check_mistake("frame cap below 1024", {"--config", write_config(dir, "[ocpp]\nmax_frame_bytes = 100\n")},
                  "max_frame_bytes");
    check_mistake("unknown policy", {"--config", write_config(dir, "[policy]\nunknown_chargers = \"maybe\"\n")},
                  "unknown_chargers");
    check_mistake("wrong type in the config", {"--config", write_config(dir, "[ocpp]\ncall_timeout_s = \"soon\"\n")},
                  "call_timeout_s");
    check_mistake("config that is not TOML", {"--config", write_config(dir, "[ocpp\n")}, "csmsd.toml");
    check_mistake("missing config file", {"--config", dir.file("nope.toml")}, "nope.toml");
    check_mistake("unknown flag", {"--frobnicate"}, "frobnicate");
    check_mistake("bad listen address", {"--listen", "localhost"}, "localhost");
    check_mistake("unknown log level", {"--log-level", "loud"}, "loud");

    // Port already taken by another csmsd.
    CsmsdProcess first(dir, CsmsdOptions{true, {}, dir.file("first.db"), std::chrono::seconds(20)});
    // (The message names neither the listener nor the address today; it
    // says why, which is what this checks.)
    check_mistake("ws port in use", {"--listen", "127.0.0.1:" + std::to_string(first.ws_port())}, "in use");
    // The first one is unharmed.
    auto charger = accepted_charger(first.ws_port(), "STILL-1");
    CHECK(is_call_result(charger->call("Heartbeat", "{}")));
}

TEST_CASE("csmsd: a config key it does not know stops it with the file, the line and the key meant", "[e2e][config]")
{
    TempDir dir;
    auto refused = [&](const std::string& text, const std::string& error) {
        INFO(text);
        auto config = write_config(dir, text);
        std::ofstream(dir.file("stderr.log"), std::ios::trunc).close();
        auto result = run_csmsd(dir, {"--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--db",
                                      dir.file("csms.db"), "--config", config});
        INFO("stdout: " << result.out);
        CHECK(result.status.describe() == "exit code 1");
        CHECK(result.out.find("csmsd ready") == std::string::npos);
        CHECK(result.errors == "csmsd: " + config + error + "\n");
    };
    refused("lisen = \"127.0.0.1:0\"\n", ":1: unknown key 'lisen' (did you mean 'listen'?)");
    refused("dev = true\n[polcy]\nunknown_chargers = \"accept\"\n",
            ":2: unknown table [polcy] (did you mean 'policy'?)");
    refused("[ocpp]\ncall_timeout_s = 5\nheartbeat_interval = 60\n",
            ":3: unknown key 'heartbeat_interval' in [ocpp] (did you mean 'heartbeat_interval_s'?)");
    refused("[security]\nallow_profile_0 = true\n[ocpp.limits]\nframes = 3\n", ":3: unknown table [ocpp.limits]");
    // Nothing was created: csmsd stopped before opening the database.
    CHECK_FALSE(std::filesystem::exists(dir.file("csms.db")));
}

TEST_CASE("csmsd --version prints the version and exits 0", "[e2e][config]")
{
    TempDir dir;
    auto result = run_csmsd(dir, {"--version"});
    CHECK(result.status.success());
    CHECK(result.out == "csmsd " CSMS_VERSION "\n");
}

TEST_CASE("ocpp.handshake_timeout_s: a connection that never upgrades is dropped", "[e2e][limits]")
{
    TempDir dir;
    auto config = write_config(dir, "[ocpp]\nhandshake_timeout_s = 1\n");
    CsmsdProcess csmsd(dir, CsmsdOptions{true, {"--config", config}, {}, std::chrono::seconds(20)});

    namespace asio = boost::asio;
    asio::io_context ioc;
    asio::ip::tcp::socket socket(ioc);
    socket.connect({asio::ip::make_address("127.0.0.1"), csmsd.ws_port()});
    // Half a request line, then silence.
    asio::write(socket, asio::buffer(std::string("GET /ocpp/SLOW")));
    char byte = 0;
    boost::system::error_code result = asio::error::would_block;
    socket.async_read_some(asio::buffer(&byte, 1), [&](boost::system::error_code ec, std::size_t) { result = ec; });
    const auto started = std::chrono::steady_clock::now();
    ioc.run_for(std::chrono::seconds(10));
    const auto waited = std::chrono::steady_clock::now() - started;
    CHECK(result == asio::error::eof);
    CHECK(waited < std::chrono::seconds(5));

    // Others are still served.
    auto charger = accepted_charger(csmsd.ws_port(), "FAST-1");
    CHECK(is_call_result(charger->call("Heartbeat", "{}")));
}

TEST_CASE("Backpressure: 300 pipelined CALLs are each answered exactly once", "[e2e][limits]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    auto charger = accepted_charger(csmsd.ws_port(), "FLOOD-1");
    constexpr int count = 300;
    for (int i = 0; i < count; ++i) {
        REQUIRE(charger->send_text("[2,\"h" + std::to_string(i) + "\",\"Heartbeat\",{}]"));
    }
    std::set<std::string> answered;
    for (int i = 0; i < count; ++i) {
        auto r = charger->read(std::chrono::seconds(10));
        REQUIRE(r.status == ReadStatus::message);
        rapidjson::Document doc;
        doc.Parse(r.text.c_str());
        INFO(r.text);
        CHECK(is_call_result(doc));
        CHECK(answered.insert(unique_id(doc)).second);
    }
    CHECK(answered.size() == count);
    CHECK(charger->read(std::chrono::milliseconds(200)).status == ReadStatus::timeout);
}
