#pragma once
// Accepts TCP connections, performs the OCPP WebSocket upgrade and runs one
// session per charger, each on its own strand. Asio and Beast stay out of
// this header: it is included by the app layer.
#include "base/metrics.hpp"
#include "net/connection.hpp"
#include "net/tls_context.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace csms::net {

struct ListenerOptions {
    std::string path_prefix = "/ocpp/";
    std::string subprotocol = "ocpp1.6";
    std::chrono::seconds handshake_timeout{30};
    // A WebSocket ping goes out after half of this without traffic; a peer
    // silent for the whole of it is dropped: this finds a charger whose TCP
    // stack answers but whose OCPP side hangs. Dead peers and cut links are
    // found sooner, and without waking csmsd, by TCP keepalive below. Every
    // ping costs a wake-up on both sides: at 30 s, 10,000 quiet wss chargers
    // cost 5 % of a core; at 150 s, about 1 % (docs/benchmarks-analysis.md).
    std::chrono::seconds idle_timeout{300};
    // Kernel TCP keepalive on every charger socket: a probe after this much
    // silence, then every interval; `count` unanswered probes end the
    // connection (about 90 s for a charger that lost power or network).
    // Probes also keep NAT mappings of cellular chargers alive.
    std::chrono::seconds keepalive_idle{60};
    std::chrono::seconds keepalive_interval{10};
    int keepalive_count = 3;
    std::size_t max_frame_bytes = 64 * 1024;
    // Outgoing frames queued per session before reading pauses.
    std::size_t max_queued_writes = 64;
    // WebSocket sessions (and upgrades past their checks) at once, counted
    // across the listeners sharing `connections`. One more is answered 503
    // with Retry-After, so csmsd refuses chargers before it runs out of
    // descriptors. 0 = automatic: the open-files limit (RLIMIT_NOFILE, raised
    // to its hard limit) minus a reserve for the database, admin API and logs.
    std::size_t max_connections = 0;
    // The count itself. Listeners given copies of one ListenerOptions (ws and
    // wss) share it; give each its own object for separate limits.
    std::shared_ptr<std::atomic<std::size_t>> connections = std::make_shared<std::atomic<std::size_t>>(0);
    // Upgrades (TLS handshake, HTTP request, verdict) running at once per
    // listener; later connections wait, accepted, in arrival order (see
    // upgrade_gate.hpp). An upgrade slower than upgrade_gate_hold gives its
    // place to the next one, so stalled peers cannot block the gate.
    std::size_t max_concurrent_upgrades = 256;
    std::chrono::milliseconds upgrade_gate_hold{1000};
    // This process's own mark: its outgoing links (partner uplinks) send it
    // in the origin_header, so an upgrade carrying it is this process
    // calling itself (a partner url pointing back here). It is answered 508
    // Loop Detected before it could replace the real charger's session.
    // "" = no check.
    std::string own_origin;
};

// The header an outgoing link of csmsd carries its own_origin in.
inline constexpr const char* origin_header = "X-Csms-Origin";

// Descriptors kept out of max_connections = 0's reach.
inline constexpr std::size_t reserved_descriptors = 500;

class WsListener {
public:
    // tls: null for a plain ws listener. authorizer: empty lets everyone in.
    // name ("ws", "wss") labels errors and metrics.
    WsListener(boost::asio::io_context& ioc, const std::string& name, const std::string& host, std::uint16_t port,
               ListenerOptions options, SinkFactory factory, base::Metrics& metrics, UpgradeAuthorizer authorizer = {},
               std::shared_ptr<TlsContext> tls = nullptr);
    ~WsListener();
    WsListener(const WsListener&) = delete;
    WsListener& operator=(const WsListener&) = delete;

    // "host:port" actually bound (port 0 resolves to the chosen port).
    std::string local_endpoint() const;
    void start();
    void stop_accepting();
    // Shutdown, step 1: sessions stop reading frames. Returns once every
    // session has stopped (or the deadline passed): from then on no new CALL
    // reaches the protocol layer.
    void stop_reading_all(std::chrono::milliseconds deadline);
    // Closes every session with this WebSocket close code (1001 at shutdown).
    void close_all(std::uint16_t code, const std::string& reason);
    // Drops every session still open, for peers that ignored the close.
    void abort_all();
    std::size_t session_count() const;
    // max_connections as resolved (never 0).
    std::size_t max_connections() const;

    struct State;

private:
    std::shared_ptr<State> state_;
};

} // namespace csms::net
