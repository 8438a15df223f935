#include "charger.hpp"

#include "bound_socket.hpp"
#include "ocpp/frame.hpp"
#include "options.hpp"
#include "tls_client.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <deque>
#include <exception>
#include <optional>
#include <type_traits>

namespace csms::sim {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using beast::error_code;

constexpr std::string_view subprotocol = "ocpp1.6";
// Far above any OCPP 1.6 message a central system sends.
constexpr std::size_t read_message_max = 1024 * 1024;

// Stream is beast::tcp_stream (ws://) or TlsStream (wss://); the TLS
// handshake between TCP connect and WebSocket upgrade is the only difference.
template <class Stream> class WsCharger final : public Charger, public std::enable_shared_from_this<WsCharger<Stream>> {
public:
    static constexpr bool is_tls = std::is_same_v<Stream, TlsStream>;

    // stream_args construct the stream: the strand, then for TLS the context.
    template <class... StreamArgs>
    WsCharger(std::shared_ptr<const Endpoints> endpoints, std::shared_ptr<TlsClient> tls, ChargerSettings settings,
              FrameLog& log, const base::Clock& clock, std::function<void()> on_done, StreamArgs&&... stream_args)
        : ws_(std::forward<StreamArgs>(stream_args)...), timer_(ws_.get_executor()), hold_timer_(ws_.get_executor()),
          endpoints_(std::move(endpoints)), tls_(std::move(tls)), settings_(std::move(settings)), log_(log),
          scenario_(settings_.scenario, clock), on_done_(std::move(on_done))
    {
        stats_.charge_point_id = settings_.scenario.charge_point_id;
    }

    void start() override
    {
        net::dispatch(ws_.get_executor(), beast::bind_front_handler(&WsCharger::do_start, this->shared_from_this()));
    }

    void stop() override
    {
        net::dispatch(ws_.get_executor(), [self = this->shared_from_this()] { self->do_stop(); });
    }

    const ChargerStats& stats() const override { return stats_; }

private:
    enum class State { idle, connecting, open, closing, done };

    struct PendingCall {
        std::uint64_t seq;
        std::string unique_id;
        std::string_view action;
        std::chrono::steady_clock::time_point sent;
    };

    const std::string& id() const { return settings_.scenario.charge_point_id; }

    // Records the first reason only: later errors are usually consequences.
    void fail(std::string reason)
    {
        log_.line(id(), '!', reason);
        if (stats_.failure.empty()) {
            stats_.failure = std::move(reason);
        }
    }

    void finish()
    {
        if (finished_) {
            return;
        }
        state_ = State::done;
        finished_ = true;
        timer_.cancel();
        hold_timer_.cancel();
        if (!stats_.connected) {
            // A refused upgrade or TLS handshake leaves the socket open: close
            // it, so neither the server nor io_context::run() waits on it.
            error_code ignored;
            beast::get_lowest_layer(ws_).expires_never();
            beast::get_lowest_layer(ws_).socket().close(ignored);
        }
        if (on_done_) {
            auto done = std::move(on_done_);
            on_done_ = nullptr;
            done();
        }
    }

    void do_start()
    {
        state_ = State::connecting;
        if (settings_.start_delay.count() > 0) {
            timer_.expires_after(settings_.start_delay);
            timer_.async_wait(beast::bind_front_handler(&WsCharger::on_start_delay, this->shared_from_this()));
            return;
        }
        do_connect();
    }

    void do_stop()
    {
        if (state_ == State::done) {
            return;
        }
        stop_requested_ = true;
        fail("interrupted");
        if (state_ == State::open) {
            state_ = State::closing; // what follows is the interruption, not the server's doing
        }
        timer_.cancel();
        hold_timer_.cancel();
        error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
    }

    void on_start_delay(error_code ec)
    {
        if (ec) {
            fail("start: " + ec.message());
            return finish();
        }
        do_connect();
    }

    void do_connect()
    {
        if (stop_requested_) {
            return finish();
        }
        stats_.connect_started = std::chrono::steady_clock::now();
        // Bounds TCP connect and TLS handshake together.
        beast::get_lowest_layer(ws_).expires_after(settings_.call_timeout);
        if (settings_.sources != nullptr) {
            // A bound socket can try one endpoint only (a failed attempt closes it).
            auto target = first_ipv4(*endpoints_);
            auto ec = target ? open_bound(beast::get_lowest_layer(ws_).socket(), *settings_.sources)
                             : error_code(net::error::address_family_not_supported);
            if (ec) {
                ++stats_.connect_failures;
                fail("bind: " + ec.message());
                return finish();
            }
            beast::get_lowest_layer(ws_).async_connect(*target, [self = this->shared_from_this(), target = *target](
                                                                    error_code e) { self->on_connect(e, target); });
            return;
        }
        beast::get_lowest_layer(ws_).async_connect(
            *endpoints_, beast::bind_front_handler(&WsCharger::on_connect, this->shared_from_this()));
    }

    void on_connect(error_code ec, const tcp::endpoint&)
    {
        if (ec) {
            ++stats_.connect_failures;
            fail("connect: " + ec.message());
            return finish();
        }
        if (stop_requested_) {
            return finish();
        }
        // Nagle's delay would show up as reply latency that is not the server's.
        error_code ignored;
        beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ignored);
        if constexpr (is_tls) {
            if (auto error = tls_->prepare(ws_.next_layer(), id())) {
                fail(std::move(*error));
                return finish();
            }
            ws_.next_layer().async_handshake(
                net::ssl::stream_base::client,
                beast::bind_front_handler(&WsCharger::on_tls_handshake, this->shared_from_this()));
        } else {
            start_upgrade();
        }
    }

    void on_tls_handshake(error_code ec)
    {
        if (ec) {
            ++stats_.connect_failures;
            if constexpr (is_tls) {
                fail(ec == beast::error::timeout ? "tls: handshake timed out" : tls_failure(ws_.next_layer(), ec));
            }
            return finish();
        }
        if (stop_requested_) {
            return finish();
        }
        start_upgrade();
    }

    void start_upgrade()
    {
        // The TCP stream's deadline bounds the upgrade too: Beast's own
        // handshake timer would stay armed after a refused upgrade (401) and
        // hold the run open until it expired. The websocket stream takes over
        // the timeouts once open.
        beast::get_lowest_layer(ws_).expires_after(settings_.call_timeout);
        auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
        timeouts.handshake_timeout = websocket::stream_base::none();
        ws_.set_option(timeouts);
        ws_.set_option(
            websocket::stream_base::decorator([authorization = settings_.authorization](websocket::request_type& req) {
                req.set(http::field::sec_websocket_protocol, subprotocol);
                req.set(http::field::user_agent, "ocpp-sim");
                if (!authorization.empty()) {
                    req.set(http::field::authorization, authorization);
                }
            }));
        if (log_.enabled()) {
            // The credentials themselves are never logged.
            log_.line(id(), '*',
                      "upgrade GET " + settings_.target +
                          (settings_.authorization.empty() ? "" : " with Basic auth (user " + id() + ")"));
        }
        ws_.read_message_max(read_message_max);
        ws_.async_handshake(response_, settings_.host_header, settings_.target,
                            beast::bind_front_handler(&WsCharger::on_handshake, this->shared_from_this()));
    }

    void on_handshake(error_code ec)
    {
        if (ec) {
            ++stats_.connect_failures;
            fail(upgrade_failure(ec));
            return finish();
        }
        stats_.opened = std::chrono::steady_clock::now();
        stats_.connected = true;
        ++stats_.connections;
        thread_recorders().connect.record(
            std::chrono::duration_cast<std::chrono::microseconds>(stats_.opened - stats_.connect_started).count());
        beast::get_lowest_layer(ws_).expires_never();
        auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
        // Bounds the closing handshake, so an unresponsive server cannot hold
        // a charger longer than one call would.
        timeouts.handshake_timeout = settings_.call_timeout;
        ws_.set_option(timeouts);
        if (log_.enabled()) {
            const auto us =
                std::chrono::duration_cast<std::chrono::microseconds>(stats_.opened - stats_.connect_started).count();
            std::string line =
                "open after " + std::to_string(us / 1000) + "." + std::to_string(us % 1000 / 100) + " ms";
            if constexpr (is_tls) {
                SSL* ssl = ws_.next_layer().native_handle();
                line += std::string(" (") + SSL_get_version(ssl) + " " + SSL_get_cipher_name(ssl) + ")";
            }
            log_.line(id(), '*', line);
        }
        state_ = State::open;
        ws_.text(true);
        do_read();
        if (stop_requested_) {
            return begin_close();
        }
        // OCPP-J 1.6 section 3.1.2: the server must echo the subprotocol it chose.
        if (response_[http::field::sec_websocket_protocol] != subprotocol) {
            fail("server did not select subprotocol ocpp1.6");
            return begin_close();
        }
        guarded([this] { send_next_call(); });
    }

    // "http 401 Unauthorized" when the server declined the upgrade; the TLS
    // layer's own failures (an mTLS refusal arrives as an alert only after a
    // TLS 1.3 client has finished its handshake) read "tls: ...".
    std::string upgrade_failure(const error_code& ec)
    {
        if (const unsigned status = response_.result_int(); status != 0 && status != 101) {
            std::string out = "http " + std::to_string(status);
            if (!response_.reason().empty()) {
                out += " " + std::string(response_.reason());
            }
            return out;
        }
        if constexpr (is_tls) {
            if (is_tls_error(ec)) {
                return tls_failure(ws_.next_layer(), ec);
            }
        }
        return "handshake: " + ec.message();
    }

    // Nothing may escape a completion handler: it would end io_context::run()
    // on this thread and strand every other charger served by it.
    template <class F> void guarded(F&& f)
    {
        try {
            f();
        } catch (const std::exception& e) {
            fail(std::string("internal error: ") + e.what());
            begin_close();
        }
    }

    void do_read()
    {
        ws_.async_read(buffer_, beast::bind_front_handler(&WsCharger::on_read, this->shared_from_this()));
    }

    void on_read(error_code ec, std::size_t)
    {
        if (ec) {
            return on_read_ended(ec);
        }
        std::string text = beast::buffers_to_string(buffer_.data());
        buffer_.consume(buffer_.size());
        log_.line(id(), '<', text);
        guarded([&] { handle_text(text); });
        do_read();
    }

    void on_read_ended(error_code ec)
    {
        if (state_ == State::open) {
            const std::string when = holding_ ? " during the hold" : "";
            if (ec == websocket::error::closed) {
                fail("server closed the connection" + when + " (code " + std::to_string(ws_.reason().code) + ")");
            } else if constexpr (is_tls) {
                fail((is_tls_error(ec) ? tls_failure(ws_.next_layer(), ec) : "read: " + ec.message()) + when);
            } else {
                fail("read: " + ec.message() + when);
            }
            if (pending_) {
                // The reply is never coming: that is an error, not a silent drop.
                stats_.errors["ConnectionLost"] += 1;
            }
        }
        finish();
    }

    void handle_text(const std::string& text)
    {
        auto parsed = ocpp::parse_frame(text);
        if (auto* bad = std::get_if<ocpp::FrameError>(&parsed)) {
            ++stats_.unexpected;
            log_.line(id(), '!', "malformed frame: " + bad->description);
            // It may have been a CALL; answering lets the server see its mistake.
            if (bad->unique_id && state_ == State::open) {
                enqueue(ocpp::serialize_call_error(*bad->unique_id, bad->code, bad->description));
            }
            return;
        }
        auto& frame = std::get<ocpp::Frame>(parsed);
        switch (frame.type) {
        case ocpp::MessageType::call:
            return answer_call(frame);
        case ocpp::MessageType::call_result:
        case ocpp::MessageType::call_error:
            return handle_reply(frame);
        }
    }

    void answer_call(const ocpp::Frame& frame)
    {
        if (state_ != State::open) {
            return; // no writes once the close has begun
        }
        auto answer = scenario_.answer_call(frame.action, frame.payload());
        if (auto* payload = std::get_if<rapidjson::Document>(&answer)) {
            enqueue(ocpp::serialize_call_result(frame.unique_id, *payload));
        } else {
            enqueue(ocpp::serialize_call_error(frame.unique_id, std::get<ocpp::ErrorCode>(answer),
                                               "Action not supported by ocpp-sim"));
        }
        // An accepted remote start or stop (only ever during the hold) queued
        // CALLs of the charger's own: start them unless one is in flight, in
        // which case handle_reply sends them in turn. The answer goes first.
        if (holding_ && !pending_ && !scenario_.done()) {
            send_next_call();
        }
    }

    void handle_reply(const ocpp::Frame& frame)
    {
        if (!pending_ || frame.unique_id != pending_->unique_id) {
            ++stats_.unexpected;
            log_.line(id(), '!', "reply to unknown message id " + frame.unique_id);
            return;
        }
        const auto latency = std::chrono::steady_clock::now() - pending_->sent;
        thread_recorders().latency.record(std::chrono::duration_cast<std::chrono::microseconds>(latency).count());
        const std::string_view action = pending_->action;
        pending_.reset();
        timer_.cancel();

        if (frame.type == ocpp::MessageType::call_error) {
            stats_.errors[frame.error_code] += 1;
            fail(std::string(action) + " got CALLERROR " + frame.error_code + ": " + frame.error_description);
            return begin_close();
        }
        ++stats_.results;
        Verdict verdict = scenario_.check_result(frame.payload());
        if (!verdict.expected) {
            ++stats_.unexpected;
            fail(std::move(verdict.reason));
            return begin_close();
        }
        if (scenario_.done()) {
            if (holding_) {
                return; // a remote session's CALLs are through; the hold goes on
            }
            if (settings_.hold.count() > 0) {
                return start_hold();
            }
            stats_.completed = true;
            return begin_close();
        }
        send_next_call();
    }

    // Script done: stay connected, answering the server's CALLs (the read
    // loop does that) and sending what a remote start or stop brings about,
    // one CALL at a time; count as completed only if the hold ends on our side.
    // The hold has its own timer: timer_ bounds each of those CALLs meanwhile.
    void start_hold()
    {
        holding_ = true;
        hold_timer_.expires_after(settings_.hold);
        hold_timer_.async_wait(beast::bind_front_handler(&WsCharger::on_hold_end, this->shared_from_this()));
    }

    void on_hold_end(error_code ec)
    {
        if (ec || !holding_ || state_ != State::open) {
            return;
        }
        holding_ = false;
        stats_.completed = true;
        begin_close();
    }

    void send_next_call()
    {
        Call call = scenario_.next_call();
        ++call_seq_;
        PendingCall pending{call_seq_, std::to_string(call_seq_), call.action, std::chrono::steady_clock::now()};
        std::string text = ocpp::serialize_call(pending.unique_id, call.action, call.payload);
        ++stats_.calls;
        timer_.expires_after(settings_.call_timeout);
        timer_.async_wait(
            [self = this->shared_from_this(), seq = pending.seq](error_code ec) { self->on_timeout(ec, seq); });
        pending_ = std::move(pending);
        enqueue(std::move(text));
    }

    void on_timeout(error_code ec, std::uint64_t seq)
    {
        // A reply handled on this strand just before the expiry leaves the
        // handler queued with success; seq tells such a stale wake-up apart.
        if (ec || !pending_ || pending_->seq != seq) {
            return;
        }
        stats_.errors["Timeout"] += 1;
        fail(std::string(pending_->action) + " timed out after " + std::to_string(settings_.call_timeout.count()) +
             " ms");
        pending_.reset();
        begin_close();
    }

    void enqueue(std::string text)
    {
        log_.line(id(), '>', text);
        queue_.push_back(std::move(text));
        if (queue_.size() == 1) {
            do_write();
        }
    }

    void do_write()
    {
        ws_.async_write(net::buffer(queue_.front()),
                        beast::bind_front_handler(&WsCharger::on_write, this->shared_from_this()));
    }

    void on_write(error_code ec, std::size_t)
    {
        if (ec) {
            // The read side sees the same broken connection and finishes.
            if (state_ == State::open) {
                fail("write: " + ec.message());
            }
            queue_.clear();
            return;
        }
        queue_.pop_front();
        if (!queue_.empty()) {
            return do_write();
        }
        if (close_pending_) {
            do_close();
        }
    }

    void begin_close()
    {
        if (state_ != State::open) {
            return;
        }
        state_ = State::closing;
        holding_ = false;
        pending_.reset();
        timer_.cancel();
        hold_timer_.cancel();
        // Beast allows no close while a write is in flight; close after it.
        if (queue_.empty()) {
            do_close();
        } else {
            close_pending_ = true;
        }
    }

    void do_close()
    {
        close_pending_ = false;
        ws_.async_close(websocket::close_code::normal,
                        beast::bind_front_handler(&WsCharger::on_close, this->shared_from_this()));
    }

    void on_close(error_code ec)
    {
        // The pending read ends too and calls finish(); a failed close after a
        // completed script does not undo the script.
        if (ec && ec != net::error::operation_aborted) {
            log_.line(id(), '!', "close: " + ec.message());
        }
    }

    websocket::stream<Stream> ws_;
    net::steady_timer timer_;      // start delay, then each call's timeout
    net::steady_timer hold_timer_; // the hold after the script
    std::shared_ptr<const Endpoints> endpoints_;
    std::shared_ptr<TlsClient> tls_; // null for ws://
    ChargerSettings settings_;
    FrameLog& log_;
    Scenario scenario_;
    std::function<void()> on_done_;

    websocket::response_type response_;
    beast::flat_buffer buffer_;
    std::deque<std::string> queue_; // one write in flight at the front
    std::optional<PendingCall> pending_;
    std::uint64_t call_seq_ = 0;
    State state_ = State::idle;
    bool close_pending_ = false;
    bool finished_ = false;
    bool stop_requested_ = false;
    bool holding_ = false;
    ChargerStats stats_;
};

} // namespace

std::shared_ptr<Charger> make_charger(boost::asio::io_context& ioc, std::shared_ptr<const Endpoints> endpoints,
                                      std::shared_ptr<TlsClient> tls, ChargerSettings settings, FrameLog& log,
                                      const base::Clock& clock, std::function<void()> on_done)
{
    if (tls) {
        auto& context = tls->context();
        return std::make_shared<WsCharger<TlsStream>>(std::move(endpoints), std::move(tls), std::move(settings), log,
                                                      clock, std::move(on_done), net::make_strand(ioc), context);
    }
    return std::make_shared<WsCharger<beast::tcp_stream>>(std::move(endpoints), nullptr, std::move(settings), log,
                                                          clock, std::move(on_done), net::make_strand(ioc));
}

} // namespace csms::sim
