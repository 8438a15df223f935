#include "net/ws_listener.hpp"

#include "net/http_upgrade.hpp"
#include "net/open_acceptor.hpp"

#include <spdlog/spdlog.h>

#include <latch>
#include <thread>

namespace csms::net {

struct WsListener::State : std::enable_shared_from_this<WsListener::State> {
    // The acceptor has its own strand: accept completions and the posted
    // close() never touch it from two threads at once.
    State(asio::io_context& io, std::shared_ptr<ListenerContext> ctx)
        : ioc(io), acceptor(asio::make_strand(io)), context(std::move(ctx))
    {
    }

    void do_accept()
    {
        acceptor.async_accept(
            asio::make_strand(ioc), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                if (ec) {
                    if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) {
                        return;
                    }
                    // Out of descriptors and the like: keep accepting others.
                    spdlog::warn("accept failed: {}", ec.message());
                } else {
                    beast::error_code ignored;
                    socket.set_option(tcp::no_delay(true), ignored);
                    if (self->context->tls) {
                        std::make_shared<HttpUpgrade<TlsStream>>(std::move(socket), self->context)->run();
                    } else {
                        std::make_shared<HttpUpgrade<PlainStream>>(std::move(socket), self->context)->run();
                    }
                }
                self->do_accept();
            });
    }

    asio::io_context& ioc;
    tcp::acceptor acceptor;
    std::shared_ptr<ListenerContext> context;
};

WsListener::WsListener(asio::io_context& ioc, const std::string& name, const std::string& host, std::uint16_t port,
                       ListenerOptions options, SinkFactory factory, base::Metrics& metrics,
                       UpgradeAuthorizer authorizer, std::shared_ptr<TlsContext> tls)
{
    base::Labels labels{{"listener", name}};
    auto context = std::shared_ptr<ListenerContext>(new ListenerContext{
        std::move(options), std::move(factory), std::move(authorizer), std::move(tls), SessionSet{},
        SessionMetrics{metrics},
        metrics.counter("csms_upgrades_refused_total", "HTTP requests refused before the WebSocket upgrade", labels),
        metrics.counter("csms_upgrades_unauthorized_total", "Upgrades refused by charger authentication", labels),
        metrics.counter("csms_tls_handshake_failures_total", "TLS handshakes that failed", labels)});
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
}

void WsListener::stop_accepting()
{
    asio::post(state_->acceptor.get_executor(), [state = state_] {
        beast::error_code ignored;
        state->acceptor.close(ignored);
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

} // namespace csms::net
