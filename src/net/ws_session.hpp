#pragma once
// One charger's WebSocket after a successful upgrade. Internal to net/.
#include "base/metrics.hpp"
#include "net/beast.hpp"
#include "net/connection.hpp"
#include "net/connection_slot.hpp"
#include "net/session_set.hpp"
#include "net/tls_context.hpp"
#include "net/ws_listener.hpp"

#include <list>
#include <optional>

namespace csms::net {

struct SessionMetrics {
    explicit SessionMetrics(base::Metrics& m);
    base::Gauge& open;
    base::Counter& accepted;
    base::Counter& frames_in;
    base::Counter& frames_out;
    base::Counter& too_big;
};

// Shared by the listener, its upgrades and its sessions; a session keeps it
// alive, so a session outliving the listener object stays safe.
struct ListenerContext {
    ListenerOptions options;
    SinkFactory factory;
    UpgradeAuthorizer authorizer;    // empty: everyone may upgrade
    std::shared_ptr<TlsContext> tls; // null: plain ws
    SessionSet sessions;
    SessionMetrics metrics;
    base::Counter& refused;
    base::Counter& unauthorized;
    base::Counter* tls_handshake_failures; // null on a plain ws listener: it has no TLS to fail
    base::Counter& refused_at_limit;       // answered 503: max_connections reached
    base::Counter& accept_failures;
};

// Stream is PlainStream or TlsStream (after its handshake); both are
// instantiated in ws_session.cpp.
template <class Stream>
class WsSession final : public ManagedSession, public std::enable_shared_from_this<WsSession<Stream>> {
public:
    // slot: this session's place under max_connections, given back when it ends.
    WsSession(Stream&& stream, PeerIdentity peer, std::shared_ptr<ListenerContext> context, ConnectionSlot slot);
    ~WsSession() override;

    // Completes the upgrade that the HTTP layer already checked, then reads.
    void run(http::request<http::empty_body> request);

    void send_text(std::string text) override;
    void close(std::uint16_t code, std::string reason) override;
    // Shutdown: frames read from now on are dropped unprocessed; stopped runs
    // on the strand once no new frame can reach the sink.
    void stop_reading(std::function<void()> stopped) override;
    void abort() override;
    void post(std::function<void()> fn) override;
    void run_after(std::chrono::milliseconds delay, std::function<void()> fn) override;
    void resume_reading() override;
    const std::string& remote_address() const override { return peer_.remote_address; }

private:
    void on_accept(beast::error_code ec);
    void do_read();
    void on_read(beast::error_code ec, std::size_t bytes);
    void do_write();
    void on_write(beast::error_code ec, std::size_t bytes);
    void do_close();
    void on_error(beast::error_code ec, const char* what);
    void finish();

    using std::enable_shared_from_this<WsSession<Stream>>::shared_from_this;
    using std::enable_shared_from_this<WsSession<Stream>>::weak_from_this;

    websocket::stream<Stream> ws_;
    beast::flat_buffer buffer_;
    PeerIdentity peer_;
    std::shared_ptr<ListenerContext> context_;
    const ListenerOptions& options_; // context_->options
    SessionMetrics& metrics_;        // context_->metrics
    std::shared_ptr<FrameSink> sink_;
    // A list, not a deque: an empty std::deque still holds a 512-byte block,
    // and nearly every session's queue is empty nearly all the time.
    std::list<std::string> write_queue_;
    ConnectionSlot slot_;
    std::optional<websocket::close_reason> pending_close_;
    bool open_ = false;
    bool reading_ = false;
    bool sink_paused_ = false; // the FrameSink asked for a pause
    bool queue_full_ = false;  // too many frames waiting to be written
    bool draining_ = false;    // shutting down: frames are no longer read
    bool closing_ = false;
    bool finished_ = false;
};

} // namespace csms::net
