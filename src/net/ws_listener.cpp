#include "net/ws_listener.hpp"

#include "net/http_upgrade.hpp"
#include "net/open_acceptor.hpp"
#include "net/upgrade_gate.hpp"

#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <csignal>
#include <latch>
#include <mutex>
#include <thread>

namespace csms::net {
namespace {

// Pause after accept() ran out of descriptors (or kernel memory): retrying
// at once would spin on the same error while sessions still hold them all.
constexpr std::chrono::milliseconds accept_backoff{100};

// The open-files soft limit, raised to the hard limit first: the default
// soft limit (often 1024) would cap csmsd far below what the system allows.
std::size_t raise_descriptor_limit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return 1024;
    }
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            limit = raised;
        }
    }
    if (limit.rlim_cur == RLIM_INFINITY) {
        return 1024 * 1024;
    }
    return static_cast<std::size_t>(limit.rlim_cur);
}

// OpenSSL writes to the socket itself (tls_stream.hpp) with write(), not
// send(MSG_NOSIGNAL): a peer that reset the connection would otherwise kill
// the process with SIGPIPE instead of failing that one write with EPIPE.
void ignore_sigpipe()
{
    static std::once_flag once;
    std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
}

std::size_t automatic_max_connections(std::size_t descriptors)
{
    // A tiny limit (tests, containers) still leaves half for everything else.
    return descriptors > 2 * reserved_descriptors ? descriptors - reserved_descriptors : descriptors / 2;
}

// How often a listener looks whether connections came and went.
constexpr std::chrono::seconds trim_interval{5};

// Hands freed heap pages back to the system after connections came or went.
// Every handshake allocates tens of KB for moments (record buffers, the
// handshake transcript) between allocations that stay (sessions); after a
// reconnect storm glibc keeps those holes mapped, and an idle csmsd would
// carry the peak of the storm instead of what its sessions hold (about half
// of a wss session's measured cost). Process-wide, so at most once per
// interval whichever listener asks.
void trim_heap()
{
    static std::atomic<std::int64_t> last{0};
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
    std::int64_t previous = last.load();
    if (now - previous < trim_interval.count() - 1 || !last.compare_exchange_strong(previous, now)) {
        return;
    }
    malloc_trim(0);
}

// Kernel keepalive probes (ListenerOptions::keepalive_*): failing on a
// setsockopt only loses the early detection, never the connection.
void enable_keepalive(tcp::socket& socket, const ListenerOptions& options)
{
    beast::error_code ignored;
    socket.set_option(asio::socket_base::keep_alive(true), ignored);
    const int fd = socket.native_handle();
    const int idle = static_cast<int>(options.keepalive_idle.count());
    const int interval = static_cast<int>(options.keepalive_interval.count());
    const int count = options.keepalive_count;
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

bool out_of_resources(const beast::error_code& ec)
{
    return ec == asio::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system ||
           ec == asio::error::no_buffer_space || ec == asio::error::no_memory;
}

} // namespace

struct WsListener::State : std::enable_shared_from_this<WsListener::State> {
    // The acceptor has its own strand: accept completions and the posted
    // close() never touch it from two threads at once.
    State(asio::io_context& io, std::shared_ptr<ListenerContext> ctx)
        : ioc(io), acceptor(asio::make_strand(io)), backoff(acceptor.get_executor()), trim(acceptor.get_executor()),
          context(std::move(ctx)),
          gate(std::make_shared<UpgradeGate>(context->options.max_concurrent_upgrades, upgrade_starter(context)))
    {
    }

    // Connections arrived or left since the last look: trim the heap.
    void watch_heap()
    {
        trim.expires_after(trim_interval);
        trim.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (ec || !self->acceptor.is_open()) {
                return;
            }
            const auto* tls_failures = self->context->tls_handshake_failures;
            const std::uint64_t activity = self->context->metrics.accepted.value() +
                                           (tls_failures != nullptr ? tls_failures->value() : 0) +
                                           self->context->refused.value() + self->context->sessions.size();
            if (activity != self->last_activity) {
                self->last_activity = activity;
                trim_heap();
            }
            self->watch_heap();
        });
    }

    void do_accept()
    {
        acceptor.async_accept(
            asio::make_strand(ioc), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                if (ec) {
                    if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) {
                        return;
                    }
                    self->context->accept_failures.inc();
                    if (out_of_resources(ec)) {
                        // The connection waits in the backlog; sessions
                        // ending free descriptors meanwhile.
                        spdlog::warn("accept failed: {}; pausing {} ms", ec.message(), accept_backoff.count());
                        self->backoff.expires_after(accept_backoff);
                        return self->backoff.async_wait([self](beast::error_code wait_ec) {
                            if (!wait_ec && self->acceptor.is_open()) {
                                self->do_accept();
                            }
                        });
                    }
                    spdlog::warn("accept failed: {}", ec.message());
                } else {
                    self->gate->enter(std::move(socket));
                }
                self->do_accept();
            });
    }

    // The gate's Start: the handshake runs on the connection's own strand,
    // not on the acceptor's, so accepting goes on meanwhile.
    static UpgradeGate::Start upgrade_starter(const std::shared_ptr<ListenerContext>& context)
    {
        return [weak = std::weak_ptr<ListenerContext>(context)](tcp::socket&& socket, UpgradeGate::Ticket ticket) {
            auto executor = socket.get_executor();
            asio::post(executor, [weak, socket = std::move(socket), ticket = std::move(ticket)]() mutable {
                if (auto alive = weak.lock()) {
                    start_upgrade(std::move(socket), alive, std::move(ticket));
                }
            });
        };
    }

    static void start_upgrade(tcp::socket&& socket, const std::shared_ptr<ListenerContext>& context,
                              UpgradeGate::Ticket ticket)
    {
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        enable_keepalive(socket, context->options);
        try {
            if (context->tls) {
                std::make_shared<HttpUpgrade<TlsStream>>(std::move(socket), context, std::move(ticket))->run();
            } else {
                std::make_shared<HttpUpgrade<PlainStream>>(std::move(socket), context, std::move(ticket))->run();
            }
        } catch (const std::exception& e) {
            // No SSL object (out of memory): this connection only.
            spdlog::error("cannot start the upgrade of a new connection: {}", e.what());
        }
    }

    asio::io_context& ioc;
    tcp::acceptor acceptor;
    asio::steady_timer backoff; // on the acceptor's strand
    asio::steady_timer trim;    // likewise
    std::uint64_t last_activity = 0;
    std::shared_ptr<ListenerContext> context;
    std::shared_ptr<UpgradeGate> gate;
};

WsListener::WsListener(asio::io_context& ioc, const std::string& name, const std::string& host, std::uint16_t port,
                       ListenerOptions options, SinkFactory factory, base::Metrics& metrics,
                       UpgradeAuthorizer authorizer, std::shared_ptr<TlsContext> tls)
{
    ignore_sigpipe();
    base::Labels labels{{"listener", name}};
    const std::size_t descriptors = raise_descriptor_limit();
    if (options.max_connections == 0) {
        options.max_connections = automatic_max_connections(descriptors);
    }
    spdlog::debug("{} listener: at most {} connections (open files limit {})", name, options.max_connections,
                  descriptors);
    base::Labels limit_labels{{"listener", name}, {"reason", "limit"}};
    base::Counter* tls_failures =
        tls ? &metrics.counter("csms_tls_handshake_failures_total", "TLS handshakes that failed", labels) : nullptr;
    auto context = std::shared_ptr<ListenerContext>(new ListenerContext{
        std::move(options), std::move(factory), std::move(authorizer), std::move(tls), SessionSet{},
        SessionMetrics{metrics},
        metrics.counter("csms_upgrades_refused_total", "HTTP requests refused before the WebSocket upgrade", labels),
        metrics.counter("csms_upgrades_unauthorized_total", "Upgrades refused by charger authentication", labels),
        tls_failures,
        metrics.counter("csms_connections_refused_total", "Upgrades answered 503 at max_connections", limit_labels),
        metrics.counter("csms_accept_failures_total", "accept() failures (e.g. out of descriptors)", labels)});
    state_ = std::make_shared<State>(ioc, std::move(context));
    open_acceptor(state_->acceptor, host, port, name);
}

WsListener::~WsListener()
{
    stop_accepting();
}

std::string WsListener::local_endpoint() const
{
    auto ep = state_->acceptor.local_endpoint();
    return ep.address().to_string() + ":" + std::to_string(ep.port());
}

void WsListener::start()
{
    state_->do_accept();
    state_->watch_heap();
}

void WsListener::stop_accepting()
{
    asio::post(state_->acceptor.get_executor(), [state = state_] {
        beast::error_code ignored;
        state->acceptor.close(ignored);
        state->gate->close();
        state->backoff.cancel();
        state->trim.cancel();
    });
}

void WsListener::close_all(std::uint16_t code, const std::string& reason)
{
    for (auto& session : state_->context->sessions.snapshot()) {
        session->close(code, reason);
    }
}

void WsListener::stop_reading_all(std::chrono::milliseconds deadline)
{
    auto sessions = state_->context->sessions.snapshot();
    auto remaining = std::make_shared<std::latch>(static_cast<std::ptrdiff_t>(sessions.size()));
    for (auto& session : sessions) {
        session->stop_reading([remaining] { remaining->count_down(); });
    }
    auto until = std::chrono::steady_clock::now() + deadline;
    while (!remaining->try_wait() && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1)); // shutdown only
    }
}

void WsListener::abort_all()
{
    for (auto& session : state_->context->sessions.snapshot()) {
        session->abort();
    }
}

std::size_t WsListener::session_count() const
{
    return state_->context->sessions.size();
}

std::size_t WsListener::max_connections() const
{
    return state_->context->options.max_connections;
}

} // namespace csms::net
