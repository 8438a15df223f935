// The listener with real sockets on port 0 and an echoing sink: the TLS
// stream under load (frames larger than a TLS record, both ways, more than
// the socket buffers hold), server-initiated close, the handshake deadline,
// max_connections and accept() running out of descriptors.
#include "base/metrics.hpp"
#include "net/tls_context.hpp"
#include "net/ws_listener.hpp"
#include "support/raw_socket.hpp"
#include "support/temp_dir.hpp"
#include "support/wait_until.hpp"
#include "support/ws_client.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <future>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace csms;
using namespace csms::test;

namespace {

// Answers every text frame with itself; "burst N BYTES" with N frames of
// BYTES each; "close" with a close frame (4000).
class EchoSink final : public net::FrameSink {
public:
    explicit EchoSink(std::shared_ptr<net::Connection> connection) : connection_(std::move(connection)) {}
    bool on_text(std::string text) override
    {
        if (text == "close") {
            connection_->close(4000, "bye");
        } else if (text.rfind("burst ", 0) == 0) {
            std::istringstream in(text.substr(6));
            std::size_t count = 0;
            std::size_t bytes = 0;
            in >> count >> bytes;
            for (std::size_t i = 0; i < count; ++i) {
                connection_->send_text(std::string(bytes, static_cast<char>('a' + i % 26)));
            }
        } else {
            connection_->send_text(std::move(text));
        }
        return true;
    }
    void on_binary(std::string) override {}
    void on_closed() override { connection_.reset(); } // the session holds us: no cycle after it ends

private:
    std::shared_ptr<net::Connection> connection_;
};

// The development PKI (tools/gen-certs.sh), made once per test process.
const std::string& pki_dir()
{
    static TempDir root;
    static std::string dir;
    static std::once_flag once;
    std::call_once(once, [] {
        dir = root.file("pki");
        const std::string command = std::string(CSMS_SCHEMA_DIR) + "/../tools/gen-certs.sh --dir '" + dir + "' >'" +
                                    root.file("gen-certs.log") + "' 2>&1";
        if (std::system(command.c_str()) != 0) {
            throw std::runtime_error("tools/gen-certs.sh failed; see " + root.file("gen-certs.log"));
        }
    });
    return dir;
}

// ws and wss listeners on 127.0.0.1:0 sharing one ListenerOptions (and so
// one max_connections count), two I/O threads.
class Server {
public:
    explicit Server(net::ListenerOptions options)
    {
        auto factory = [](const std::shared_ptr<net::Connection>& connection, const net::PeerIdentity&) {
            return std::make_shared<EchoSink>(connection);
        };
        tls_ = std::make_shared<net::TlsContext>(
            net::TlsFiles{pki_dir() + "/server.crt", pki_dir() + "/server.key", pki_dir() + "/ca.crt", ""});
        ws_ = std::make_unique<net::WsListener>(ioc_, "ws", "127.0.0.1", 0, options, factory, metrics_);
        wss_ = std::make_unique<net::WsListener>(ioc_, "wss", "127.0.0.1", 0, options, factory, metrics_,
                                                 net::UpgradeAuthorizer{}, tls_);
        ws_->start();
        wss_->start();
        for (int i = 0; i < 2; ++i) {
            threads_.emplace_back([this] { ioc_.run(); });
        }
    }
    ~Server()
    {
        ws_->stop_accepting();
        wss_->stop_accepting();
        // Sessions end on their strands (the sink lets go of its
        // connection) before the threads stop, or the pair would leak.
        ws_->abort_all();
        wss_->abort_all();
        wait_until([this] { return sessions() == 0; }, std::chrono::seconds(5));
        work_.reset();
        ioc_.stop();
        for (auto& t : threads_) {
            t.join();
        }
    }

    std::uint16_t port(const net::WsListener& listener) const
    {
        auto endpoint = listener.local_endpoint();
        return static_cast<std::uint16_t>(std::stoul(endpoint.substr(endpoint.rfind(':') + 1)));
    }
    std::uint16_t ws_port() const { return port(*ws_); }
    std::uint16_t wss_port() const { return port(*wss_); }
    std::size_t sessions() const { return ws_->session_count() + wss_->session_count(); }
    bool metric(const std::string& line) const
    {
        return metrics_.render_prometheus().find("\n" + line + "\n") != std::string::npos;
    }
    std::string metrics() const { return metrics_.render_prometheus(); }

private:
    base::Metrics metrics_; // before ioc_: sessions destroyed with the io_context still refer to it
    boost::asio::io_context ioc_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{ioc_.get_executor()};
    std::shared_ptr<net::TlsContext> tls_;
    std::unique_ptr<net::WsListener> ws_;
    std::unique_ptr<net::WsListener> wss_;
    std::vector<std::thread> threads_;
};

ConnectOptions tls_options()
{
    ConnectOptions options;
    options.tls = true;
    options.ca_file = pki_dir() + "/ca.crt";
    return options;
}

// Frames larger than one TLS record (16 KiB) in both directions, and a burst
// the socket buffers cannot hold, so reads and writes go in pieces and
// writes wait for the socket; then the server closes.
void exchange_large_frames(Server& server, WsClient& client)
{
    const std::string big(300 * 1024, 'x');
    REQUIRE(client.send_text(big));
    auto echo = client.read(std::chrono::seconds(20));
    REQUIRE(echo.status == ReadStatus::message);
    CHECK(echo.text == big);

    constexpr std::size_t burst = 40;
    constexpr std::size_t bytes = 200 * 1000;
    REQUIRE(client.send_text("burst " + std::to_string(burst) + " " + std::to_string(bytes)));
    for (std::size_t i = 0; i < burst; ++i) {
        auto frame = client.read(std::chrono::seconds(20));
        REQUIRE(frame.status == ReadStatus::message);
        CHECK(frame.text == std::string(bytes, static_cast<char>('a' + i % 26)));
    }

    REQUIRE(client.send_text("small"));
    auto small = client.read();
    REQUIRE(small.status == ReadStatus::message);
    CHECK(small.text == "small");

    REQUIRE(client.send_text("close"));
    auto closed = client.read();
    REQUIRE(closed.status == ReadStatus::closed);
    INFO(closed.error);
    REQUIRE(closed.close_code);
    CHECK(*closed.close_code == 4000);
    CHECK(wait_until([&] { return server.sessions() == 0; }, std::chrono::seconds(5)));
}

net::ListenerOptions large_frame_options()
{
    net::ListenerOptions options;
    options.max_frame_bytes = 1024 * 1024;
    options.max_queued_writes = 64;
    return options;
}

} // namespace

TEST_CASE("wss session: frames larger than a TLS record both ways then a server-initiated close", "[net][tls]")
{
    Server server(large_frame_options());
    WsClient client;
    auto result = client.connect(server.wss_port(), "/ocpp/TLS-BIG", tls_options());
    INFO(result.error);
    REQUIRE(result.ok);
    exchange_large_frames(server, client);
}

TEST_CASE("ws session: large frames both ways then a server-initiated close", "[net][connection]")
{
    Server server(large_frame_options());
    WsClient client;
    auto result = client.connect(server.ws_port(), "/ocpp/WS-BIG");
    INFO(result.error);
    REQUIRE(result.ok);
    exchange_large_frames(server, client);
}

TEST_CASE("wss sessions: many small frames interleaved with the peer's close", "[net][tls]")
{
    Server server(net::ListenerOptions{});
    WsClient client;
    REQUIRE(client.connect(server.wss_port(), "/ocpp/TLS-SMALL", tls_options()).ok);
    for (int i = 0; i < 200; ++i) {
        REQUIRE(client.send_text("m" + std::to_string(i)));
    }
    for (int i = 0; i < 200; ++i) {
        auto frame = client.read();
        REQUIRE(frame.status == ReadStatus::message);
        CHECK(frame.text == "m" + std::to_string(i));
    }
    // The charger closes: the server answers and tears TLS down cleanly.
    client.close();
    CHECK(client.is_closed());
    CHECK(wait_until([&] { return server.sessions() == 0; }, std::chrono::seconds(5)));
}

TEST_CASE("metrics: only a wss listener has a TLS handshake failure series", "[net][tls]")
{
    Server server(net::ListenerOptions{});
    auto text = server.metrics();
    INFO(text);
    CHECK(text.find("\ncsms_tls_handshake_failures_total{listener=\"wss\"} 0\n") != std::string::npos);
    CHECK(text.find("csms_tls_handshake_failures_total{listener=\"ws\"}") == std::string::npos);
}

TEST_CASE("TLS handshake timeout: a client that connects and sends nothing is dropped", "[net][tls]")
{
    net::ListenerOptions options;
    options.handshake_timeout = std::chrono::seconds(1);
    Server server(options);
    RawSocket silent;
    silent.connect(server.wss_port());
    CHECK(silent.wait_eof(std::chrono::seconds(10)));
    CHECK(wait_until([&] { return server.metric("csms_tls_handshake_failures_total{listener=\"wss\"} 1"); },
                     std::chrono::seconds(5)));
    // The listener is unharmed.
    WsClient client;
    REQUIRE(client.connect(server.wss_port(), "/ocpp/TLS-AFTER", tls_options()).ok);
    REQUIRE(client.send_text("hi"));
    CHECK(client.read().text == "hi");
}

TEST_CASE("ws upgrade timeout: a client that connects and sends nothing is dropped", "[net][connection]")
{
    net::ListenerOptions options;
    options.handshake_timeout = std::chrono::seconds(1);
    Server server(options);
    RawSocket silent;
    silent.connect(server.ws_port());
    CHECK(silent.wait_eof(std::chrono::seconds(10)));
}

TEST_CASE("upgrade gate: a stalled connection gives its place to the next charger after the gate hold",
          "[net][gate][tls]")
{
    net::ListenerOptions options;
    options.max_concurrent_upgrades = 1;
    options.upgrade_gate_hold = std::chrono::milliseconds(200);
    Server server(options);
    RawSocket stalled; // connects, never says a word: holds the only place
    stalled.connect(server.wss_port());

    WsClient client;
    auto result = client.connect(server.wss_port(), "/ocpp/GATE-NEXT", tls_options());
    INFO(result.error);
    REQUIRE(result.ok);
    REQUIRE(client.send_text("through"));
    CHECK(client.read().text == "through");
    // The stalled peer was not dropped for it: only its handshake deadline ends it.
    CHECK_FALSE(stalled.wait_eof(std::chrono::milliseconds(200)));
}

TEST_CASE("max_connections: one connection over the limit gets 503 with Retry-After and a freed place is taken",
          "[net][connection][tls]")
{
    net::ListenerOptions options;
    options.max_connections = 2; // ws and wss together
    Server server(options);

    WsClient first;
    REQUIRE(first.connect(server.ws_port(), "/ocpp/LIMIT-1").ok);
    WsClient second;
    REQUIRE(second.connect(server.wss_port(), "/ocpp/LIMIT-2", tls_options()).ok);

    RawSocket extra;
    CHECK(extra.upgrade(server.ws_port(), "/ocpp/LIMIT-3") == "HTTP/1.1 503 Service Unavailable");
    CHECK(extra.response_headers().find("Retry-After: 10\r\n") != std::string::npos);
    CHECK(extra.wait_eof(std::chrono::seconds(5))); // and closed
    WsClient extra_tls;
    auto refused = extra_tls.connect(server.wss_port(), "/ocpp/LIMIT-3", tls_options());
    CHECK_FALSE(refused.ok);
    CHECK(refused.http_status == 503);
    INFO(server.metrics());
    CHECK(server.metric("csms_connections_refused_total{listener=\"ws\",reason=\"limit\"} 1"));
    CHECK(server.metric("csms_connections_refused_total{listener=\"wss\",reason=\"limit\"} 1"));

    // The sessions inside the limit are untouched.
    for (auto* client : {&first, &second}) {
        REQUIRE(client->send_text("still here"));
        CHECK(client->read().text == "still here");
    }

    // One leaves: the next charger gets its place.
    first.close();
    std::unique_ptr<WsClient> later;
    CHECK(wait_until(
        [&] {
            later = std::make_unique<WsClient>();
            return later->connect(server.wss_port(), "/ocpp/LIMIT-4", tls_options()).ok;
        },
        std::chrono::seconds(5), std::chrono::milliseconds(50)));
    REQUIRE(later->send_text("in"));
    CHECK(later->read().text == "in");
    CHECK(server.sessions() == 2);
}

TEST_CASE("accept out of descriptors: the listener backs off instead of spinning and accepts again afterwards",
          "[net][connection]")
{
#if defined(__SANITIZE_ADDRESS__)
    // The sanitizers' own checks open descriptors (a pipe to probe memory)
    // and fail while the table is full; the back-off is tested without them.
    SUCCEED("not run under AddressSanitizer");
    return;
#endif
    Server server(net::ListenerOptions{});
    const auto port = server.ws_port();
    auto failures = [&] {
        const std::string text = server.metrics();
        const std::string key = "\ncsms_accept_failures_total{listener=\"ws\"} ";
        auto at = text.find(key);
        return at == std::string::npos ? 0 : std::stoll(text.substr(at + key.size()));
    };
    RawSocket charger; // its io_context's descriptors exist before the table is full

    // Fill the descriptor table under a small limit, leaving one for the
    // charger's socket: the server's accept() then fails with EMFILE.
    rlimit saved{};
    REQUIRE(getrlimit(RLIMIT_NOFILE, &saved) == 0);
    rlimit small = saved;
    small.rlim_cur = 512;
    REQUIRE(setrlimit(RLIMIT_NOFILE, &small) == 0);
    // No assertion while the table is full: the sanitizers' checks may need a
    // descriptor themselves.
    std::vector<int> filler;
    for (int fd; (fd = ::open("/dev/null", O_RDONLY)) >= 0;) {
        filler.push_back(fd);
    }
    const std::size_t filled = filler.size();
    if (!filler.empty()) {
        ::close(filler.back());
        filler.pop_back();
    }

    auto upgraded = std::async(std::launch::async, [&] { return charger.upgrade(port, "/ocpp/FD-1", 20s); });
    // A spinning accept loop would count thousands of failures by the time
    // three are seen; with the back-off three take about 200 ms.
    const bool failed_thrice =
        wait_until([&] { return failures() >= 3; }, std::chrono::seconds(10), std::chrono::milliseconds(1));
    const auto failures_seen = failures();
    for (int fd : filler) {
        ::close(fd);
    }
    const bool restored = setrlimit(RLIMIT_NOFILE, &saved) == 0;
    REQUIRE(filled > 20);
    REQUIRE(restored);
    CHECK(failed_thrice);
    CHECK(failures_seen < 20);
    CHECK(upgraded.get() == "HTTP/1.1 101 Switching Protocols");
}

TEST_CASE("own origin: an upgrade carrying this process's own mark gets 508 and another mark is let in",
          "[net][connection]")
{
    net::ListenerOptions options;
    options.own_origin = "0123abcd0123abcd";
    Server server(options);

    RawSocket loop;
    CHECK(loop.upgrade(server.ws_port(), "/ocpp/CP-1", std::chrono::seconds(5),
                       std::string(net::origin_header) + ": 0123abcd0123abcd\r\n") == "HTTP/1.1 508 Loop Detected");
    CHECK(loop.wait_eof(std::chrono::seconds(5)));
    CHECK(server.sessions() == 0);

    RawSocket other; // another csmsd's link (a chain of backends) is a charger like any other
    CHECK(other.upgrade(server.ws_port(), "/ocpp/CP-1", std::chrono::seconds(5),
                        std::string(net::origin_header) + ": ffff0000ffff0000\r\n") ==
          "HTTP/1.1 101 Switching Protocols");
}
