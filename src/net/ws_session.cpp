#include "net/ws_session.hpp"

#include <spdlog/spdlog.h>

namespace csms::net {

SessionMetrics::SessionMetrics(base::Metrics& m)
    : open(m.gauge("csms_connections", "Open charger WebSocket sessions")),
      accepted(m.counter("csms_connections_accepted_total", "WebSocket upgrades completed")),
      frames_in(m.counter("csms_frames_received_total", "WebSocket frames received from chargers")),
      frames_out(m.counter("csms_frames_sent_total", "WebSocket frames sent to chargers")),
      too_big(m.counter("csms_frames_too_big_total", "Frames over the size cap (session closed with 1009)"))
{
}

template <class Stream>
WsSession<Stream>::WsSession(Stream&& stream, PeerIdentity peer, std::shared_ptr<ListenerContext> context,
                             ConnectionSlot slot)
    : ws_(std::move(stream)), peer_(std::move(peer)), context_(std::move(context)), options_(context_->options),
      metrics_(context_->metrics), slot_(std::move(slot))
{
}

template <class Stream> WsSession<Stream>::~WsSession()
{
    context_->sessions.remove(this);
}

template <class Stream> void WsSession<Stream>::run(http::request<http::empty_body> request)
{
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.handshake_timeout = options_.handshake_timeout;
    timeouts.idle_timeout = options_.idle_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.read_message_max(options_.max_frame_bytes);
    ws_.set_option(websocket::stream_base::decorator([proto = options_.subprotocol](websocket::response_type& res) {
        res.set(http::field::server, "csmsd/" CSMS_VERSION);
        res.set(http::field::sec_websocket_protocol, proto);
    }));
    context_->sessions.add(shared_from_this());
    sink_ = context_->factory(shared_from_this(), peer_);
    ws_.async_accept(request, beast::bind_front_handler(&WsSession<Stream>::on_accept, shared_from_this()));
}

template <class Stream> void WsSession<Stream>::on_accept(beast::error_code ec)
{
    if (ec) {
        return on_error(ec, "accept");
    }
    open_ = true;
    metrics_.open.add(1);
    metrics_.accepted.inc();
    ws_.text(true);
    if (!write_queue_.empty()) {
        do_write();
    }
    do_read();
}

template <class Stream> void WsSession<Stream>::do_read()
{
    if (reading_ || closing_ || finished_ || draining_ || sink_paused_) {
        return;
    }
    if (write_queue_.size() >= options_.max_queued_writes) {
        queue_full_ = true; // a slow reader slows only itself; on_write resumes
        return;
    }
    reading_ = true;
    ws_.async_read(buffer_, beast::bind_front_handler(&WsSession<Stream>::on_read, shared_from_this()));
}

template <class Stream> void WsSession<Stream>::on_read(beast::error_code ec, std::size_t)
{
    reading_ = false;
    if (ec) {
        return on_error(ec, "read");
    }
    metrics_.frames_in.inc();
    if (draining_) {
        // Shutting down: this frame is not processed and not acknowledged;
        // the charger sends it again after reconnecting.
        buffer_.clear();
        buffer_.shrink_to_fit();
        return;
    }
    std::string data = beast::buffers_to_string(buffer_.data());
    // An idle session holds no read buffer: the next frame allocates one of
    // its own size, and one large frame does not pin its capacity for good.
    buffer_.clear();
    buffer_.shrink_to_fit();
    bool more = true;
    try {
        if (ws_.got_text()) {
            more = sink_->on_text(std::move(data));
        } else {
            sink_->on_binary(std::move(data));
        }
    } catch (const std::exception& e) {
        spdlog::error("[{}] frame handler failed: {}", peer_.charger_id, e.what());
    }
    sink_paused_ = !more;
    do_read();
}

template <class Stream> void WsSession<Stream>::send_text(std::string text)
{
    // dispatch: an answer produced on the strand is queued at once, ahead of
    // a close() posted after it.
    asio::dispatch(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
        if (self->finished_ || self->closing_) {
            return;
        }
        self->write_queue_.push_back(std::move(text));
        if (self->open_ && self->write_queue_.size() == 1) {
            self->do_write();
        }
    });
}

template <class Stream> void WsSession<Stream>::do_write()
{
    ws_.async_write(asio::buffer(write_queue_.front()),
                    beast::bind_front_handler(&WsSession<Stream>::on_write, shared_from_this()));
}

template <class Stream> void WsSession<Stream>::on_write(beast::error_code ec, std::size_t)
{
    if (ec) {
        return on_error(ec, "write");
    }
    metrics_.frames_out.inc();
    write_queue_.pop_front();
    if (!write_queue_.empty()) {
        return do_write();
    }
    if (pending_close_) {
        return do_close();
    }
    if (queue_full_) {
        queue_full_ = false;
        do_read();
    }
}

template <class Stream> void WsSession<Stream>::close(std::uint16_t code, std::string reason)
{
    asio::dispatch(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)] {
        if (self->finished_ || self->pending_close_) {
            return;
        }
        websocket::close_reason why{code};
        why.reason = reason.substr(0, 123); // the close frame payload limit
        self->pending_close_ = why;
        if (!self->open_) {
            // Still upgrading: there is no WebSocket to close politely yet.
            beast::error_code ignored;
            socket_of(self->ws_.next_layer()).close(ignored);
            return;
        }
        if (self->write_queue_.empty()) {
            self->do_close();
        }
    });
}

template <class Stream> void WsSession<Stream>::do_close()
{
    closing_ = true;
    ws_.async_close(*pending_close_, [self = shared_from_this()](beast::error_code ec) {
        if (ec) {
            return self->on_error(ec, "close");
        }
        // The read loop sees the peer's close reply and finishes; with no read
        // pending (paused), finish here.
        if (!self->reading_) {
            self->finish();
        }
    });
}

template <class Stream> void WsSession<Stream>::stop_reading(std::function<void()> stopped)
{
    asio::dispatch(ws_.get_executor(), [self = shared_from_this(), stopped = std::move(stopped)] {
        self->draining_ = true;
        stopped();
    });
}

template <class Stream> void WsSession<Stream>::abort()
{
    asio::post(ws_.get_executor(), [self = shared_from_this()] { self->finish(); });
}

template <class Stream> void WsSession<Stream>::post(std::function<void()> fn)
{
    asio::post(ws_.get_executor(), std::move(fn));
}

template <class Stream> void WsSession<Stream>::run_after(std::chrono::milliseconds delay, std::function<void()> fn)
{
    auto timer = std::make_shared<asio::steady_timer>(ws_.get_executor(), delay);
    timer->async_wait([timer, weak = weak_from_this(), fn = std::move(fn)](beast::error_code ec) {
        auto self = weak.lock();
        if (ec || !self || self->finished_) {
            return;
        }
        fn();
    });
}

template <class Stream> void WsSession<Stream>::resume_reading()
{
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
        self->sink_paused_ = false;
        self->do_read();
    });
}

template <class Stream> void WsSession<Stream>::on_error(beast::error_code ec, const char* what)
{
    if (ec == websocket::error::message_too_big) {
        // Beast has already sent close 1009 (message too big) to the peer.
        metrics_.too_big.inc();
        spdlog::warn("[{}] frame over {} bytes, closing with 1009", peer_.charger_id, options_.max_frame_bytes);
    } else if (ec != websocket::error::closed && ec != asio::error::operation_aborted && ec != asio::error::eof &&
               ec != beast::error::timeout && ec != asio::error::connection_reset &&
               ec != ssl::error::stream_truncated) {
        spdlog::info("[{}] {}: {}", peer_.charger_id, what, ec.message());
    } else if (ec == beast::error::timeout) {
        spdlog::info("[{}] no traffic within the idle timeout, dropping the session", peer_.charger_id);
    }
    finish();
}

template <class Stream> void WsSession<Stream>::finish()
{
    if (finished_) {
        return;
    }
    finished_ = true;
    if (open_) {
        metrics_.open.add(-1);
    }
    // The queue stays: a write in flight still points at its front until the
    // aborted write completes. send_text() ignores a finished session.
    beast::error_code ignored;
    auto& socket = socket_of(ws_.next_layer());
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    context_->sessions.remove(this);
    slot_.release(); // the place is free as soon as the descriptor is
    if (sink_) {
        auto sink = std::move(sink_);
        sink->on_closed();
    }
}

template class WsSession<PlainStream>;
template class WsSession<TlsStream>;

} // namespace csms::net
