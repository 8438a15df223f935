#include "client.hpp"

#include "bound_socket.hpp"
#include "tls_client.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <charconv>
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
using SteadyClock = std::chrono::steady_clock;

constexpr std::string_view subprotocol = "ocpp1.6";
// Far above any OCPP 1.6 message a central system sends.
constexpr std::size_t read_message_max = 1024 * 1024;

const rapidjson::Value& empty_payload()
{
    static const rapidjson::Value empty(rapidjson::kObjectType);
    return empty;
}

// Stream is beast::tcp_stream (ws://) or TlsStream (wss://); the TLS
// handshake between TCP connect and WebSocket upgrade is the only difference.
template <class Stream>
class WsClient final : public Charger, public Client, public std::enable_shared_from_this<WsClient<Stream>> {
public:
    static constexpr bool is_tls = std::is_same_v<Stream, TlsStream>;
    using Strand = net::strand<net::io_context::executor_type>;

    WsClient(Strand strand, std::shared_ptr<const Endpoints> endpoints, std::shared_ptr<TlsClient> tls,
             ClientSettings settings, std::unique_ptr<ChargerSchedule> schedule, FrameLog& log,
             std::function<void()> on_done)
        : strand_(strand), next_{net::steady_timer(strand)}, hold_{net::steady_timer(strand)},
          call_timer_{net::steady_timer(strand)}, endpoints_(std::move(endpoints)), tls_(std::move(tls)),
          settings_(std::move(settings)), schedule_(std::move(schedule)), log_(log), on_done_(std::move(on_done))
    {
        stats_.charge_point_id = settings_.charge_point_id;
    }

    // ---- Charger --------------------------------------------------------

    void start() override
    {
        net::dispatch(strand_,
                      [self = this->shared_from_this()] { self->guarded([&] { self->schedule_->start(*self); }); });
    }

    void stop() override
    {
        net::dispatch(strand_, [self = this->shared_from_this()] { self->do_stop(); });
    }

    const ChargerStats& stats() const override { return stats_; }

    // ---- Client ---------------------------------------------------------

    const std::string& id() const override { return settings_.charge_point_id; }
    ChargerStats& stats() override { return stats_; }
    FrameLog& log() override { return log_; }

    void fail(std::string reason) override
    {
        log_.line(id(), '!', reason);
        if (stats_.failure.empty()) {
            stats_.failure = std::move(reason);
        }
    }

    bool open() const override { return conn_.open && !conn_.closing && !conn_.ended; }
    bool call_in_flight() const override { return pending_.has_value(); }

    std::string_view next_call_id() override
    {
        char uid[24];
        const auto [end, ec] = std::to_chars(uid, uid + sizeof uid, ++call_seq_);
        (void)ec;
        next_uid_.assign(uid, end);
        return next_uid_;
    }

    void send_call(std::string_view action, std::string text, bool result_unread) override
    {
        ++stats_.calls;
        pending_ = PendingCall{next_uid_, action, result_unread};
        arm(call_timer_, SteadyClock::now() + settings_.call_timeout, [this] { on_call_timeout(); });
        enqueue(std::move(text));
    }

    void set_alarm(Alarm alarm, SteadyPoint at, std::function<void()> what) override
    {
        arm(alarm == Alarm::next ? next_ : hold_, at, std::move(what));
    }

    // ---- connecting -----------------------------------------------------

    void connect() override
    {
        if (stop_requested_) {
            return finish();
        }
        ++attempts_;
        if (attempts_ > 1) {
            ++stats_.retries;
        }
        const auto now = SteadyClock::now();
        if (attempts_ == 1) {
            stats_.connect_started = now;
        }
        ws_.reset(); // the previous connection has no operation left
        if constexpr (is_tls) {
            ws_.emplace(strand_, tls_->context());
        } else {
            ws_.emplace(strand_);
        }
        conn_ = Connection{};
        conn_.active = true;
        conn_.started = now;
        response_ = {};
        buffer_.clear();
        queue_.clear();
        pending_.reset();

        auto& lowest = beast::get_lowest_layer(*ws_);
        // Bounds TCP connect and TLS handshake together.
        lowest.expires_after(settings_.call_timeout);
        if (settings_.sources != nullptr) {
            // A bound socket can try one endpoint only (a failed attempt closes it).
            const auto target = first_ipv4(*endpoints_);
            const auto ec = target ? open_bound(lowest.socket(), *settings_.sources)
                                   : error_code(net::error::address_family_not_supported);
            if (ec) {
                return connect_failed("bind: " + ec.message());
            }
            ++ops_;
            lowest.async_connect(*target, [self = this->shared_from_this()](error_code e) { self->on_connect(e); });
            return;
        }
        ++ops_;
        lowest.async_connect(*endpoints_, [self = this->shared_from_this()](error_code ec, const tcp::endpoint&) {
            self->on_connect(ec);
        });
    }

private:
    // A timer whose stale wake-ups (cancelled, or re-armed meanwhile) are ignored.
    struct Timer {
        net::steady_timer timer;
        std::uint64_t seq = 0;
    };

    struct PendingCall {
        std::string unique_id;
        std::string_view action; // static text
        bool result_unread = false;
    };

    // What one connection attempt has come to.
    struct Connection {
        bool active = false;  // from connect() to the schedule's on_ended()
        bool open = false;    // WebSocket handshake done
        bool closing = false; // our close handshake started
        bool close_pending = false;
        bool ended = false;  // no more traffic; waiting for ops to drain
        bool failed = false; // ended by a failure (reason)
        std::string reason;
        SteadyPoint started{};
    };

    void arm(Timer& timer, SteadyPoint at, std::function<void()> what)
    {
        timer.timer.expires_at(at);
        timer.timer.async_wait(
            [self = this->shared_from_this(), &timer, seq = ++timer.seq, what = std::move(what)](error_code ec) {
                if (ec || timer.seq != seq) {
                    return;
                }
                self->guarded(what);
            });
    }

    void cancel(Timer& timer)
    {
        ++timer.seq;
        timer.timer.cancel();
    }

    void cancel_timers()
    {
        cancel(next_);
        cancel(hold_);
        cancel(call_timer_);
    }

    // Nothing may escape a completion handler: it would end io_context::run()
    // on this thread and strand every other charger served by it.
    template <class F> void guarded(F&& f)
    {
        try {
            f();
        } catch (const std::exception& e) {
            fail(std::string("internal error: ") + e.what());
            abort(std::string("internal error: ") + e.what());
        }
    }

    void finish() override
    {
        if (finished_) {
            return;
        }
        finished_ = true;
        cancel_timers();
        if (on_done_) {
            auto done = std::move(on_done_);
            on_done_ = nullptr;
            done();
        }
    }

    void do_stop()
    {
        if (finished_) {
            return;
        }
        stop_requested_ = true;
        fail("interrupted");
        cancel_timers();
        if (!conn_.active) {
            return finish();
        }
        abort("interrupted");
    }

    void on_connect(error_code ec)
    {
        --ops_;
        if (conn_.ended) {
            return maybe_after();
        }
        if (ec) {
            return connect_failed("connect: " + ec.message());
        }
        // Nagle's delay would show up as reply latency that is not the server's.
        error_code ignored;
        beast::get_lowest_layer(*ws_).socket().set_option(tcp::no_delay(true), ignored);
        if constexpr (is_tls) {
            if (auto error = tls_->prepare(ws_->next_layer(), id())) {
                return connect_failed(std::move(*error));
            }
            if (settings_.tls_resume) {
                session_.offer(ws_->next_layer());
            }
            ++ops_;
            ws_->next_layer().async_handshake(
                net::ssl::stream_base::client,
                [self = this->shared_from_this()](error_code e) { self->on_tls_handshake(e); });
        } else {
            upgrade();
        }
    }

    void on_tls_handshake(error_code ec)
    {
        --ops_;
        if (conn_.ended) {
            return maybe_after();
        }
        if constexpr (is_tls) {
            if (ec) {
                return connect_failed(ec == beast::error::timeout ? "tls: handshake timed out"
                                                                  : tls_failure(ws_->next_layer(), ec));
            }
            if (SSL_session_reused(ws_->next_layer().native_handle()) == 1) {
                ++stats_.tls_resumed;
            }
        }
        upgrade();
    }

    void upgrade()
    {
        // The TCP stream's deadline bounds the upgrade too: Beast's own
        // handshake timer would stay armed after a refused upgrade (401) and
        // hold the run open until it expired. The websocket stream takes over
        // the timeouts once open.
        beast::get_lowest_layer(*ws_).expires_after(settings_.call_timeout);
        auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
        timeouts.handshake_timeout = websocket::stream_base::none();
        ws_->set_option(timeouts);
        ws_->set_option(
            websocket::stream_base::decorator([authorization = settings_.authorization](websocket::request_type& req) {
                req.set(http::field::sec_websocket_protocol, subprotocol);
                req.set(http::field::user_agent, "ocpp-sim");
                if (!authorization.empty()) {
                    req.set(http::field::authorization, authorization);
                }
            }));
        if (settings_.describe_connection && log_.enabled()) {
            // The credentials themselves are never logged.
            log_.line(id(), '*',
                      "upgrade GET " + settings_.target +
                          (settings_.authorization.empty() ? "" : " with Basic auth (user " + id() + ")"));
        }
        ws_->read_message_max(read_message_max);
        ++ops_;
        ws_->async_handshake(response_, settings_.host_header, settings_.target,
                             [self = this->shared_from_this()](error_code ec) { self->on_handshake(ec); });
    }

    void on_handshake(error_code ec)
    {
        --ops_;
        if (conn_.ended) {
            return maybe_after();
        }
        if (ec) {
            return connect_failed(upgrade_failure(ec));
        }
        const auto now = SteadyClock::now();
        ++stats_.connections;
        stats_.connected = true;
        stats_.opened = now;
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now - conn_.started).count();
        thread_recorders().connect.record(us);
        beast::get_lowest_layer(*ws_).expires_never();
        auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
        // Bounds the closing handshake, so an unresponsive server cannot hold
        // a charger longer than one call would.
        timeouts.handshake_timeout = settings_.call_timeout;
        ws_->set_option(timeouts);
        log_open(us);
        conn_.open = true;
        ws_->text(true);
        read();
        // OCPP-J 1.6 section 3.1.2: the server must echo the subprotocol it chose.
        if (response_[http::field::sec_websocket_protocol] != subprotocol) {
            return close_failed("server did not select subprotocol ocpp1.6");
        }
        guarded([&] { schedule_->on_open(*this); });
    }

    void log_open(std::int64_t us)
    {
        if (!log_.enabled()) {
            return;
        }
        if (!settings_.describe_connection) {
            return log_.line(id(), '*', "open");
        }
        std::string line = "open after " + std::to_string(us / 1000) + "." + std::to_string(us % 1000 / 100) + " ms";
        if constexpr (is_tls) {
            SSL* ssl = ws_->next_layer().native_handle();
            line += std::string(" (") + SSL_get_version(ssl) + " " + SSL_get_cipher_name(ssl) + ")";
        }
        log_.line(id(), '*', line);
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
                return tls_failure(ws_->next_layer(), ec);
            }
        }
        return "handshake: " + ec.message();
    }

    void connect_failed(std::string reason)
    {
        ++stats_.connect_failures;
        abort(std::move(reason));
    }

    // ---- ending a connection --------------------------------------------

    void abort(std::string reason) override
    {
        if (!conn_.ended) {
            conn_.failed = true;
            conn_.reason = std::move(reason);
            end_now();
        }
        maybe_after();
    }

    void drop() override
    {
        if (!conn_.ended) {
            end_now();
        }
        maybe_after();
    }

    // Every pending operation ends; the connection is over once they have.
    void end_now()
    {
        conn_.ended = true;
        drop_socket();
    }

    void drop_socket()
    {
        cancel_timers();
        pending_.reset();
        if (ws_) {
            error_code ignored;
            beast::get_lowest_layer(*ws_).expires_never();
            beast::get_lowest_layer(*ws_).socket().close(ignored);
        }
    }

    void close() override
    {
        if (!open()) {
            return;
        }
        conn_.closing = true;
        cancel_timers();
        pending_.reset();
        // Beast allows no close while a write is in flight; close after it.
        if (queue_.empty()) {
            do_close();
        } else {
            conn_.close_pending = true;
        }
    }

    void close_failed(std::string reason) override
    {
        if (!open()) {
            return;
        }
        conn_.failed = true;
        conn_.reason = std::move(reason);
        close();
    }

    void do_close()
    {
        conn_.close_pending = false;
        ++ops_;
        ws_->async_close(websocket::close_code::normal,
                         [self = this->shared_from_this()](error_code ec) { self->on_close(ec); });
    }

    void on_close(error_code ec)
    {
        --ops_;
        // A failed close after a completed script does not undo the script.
        if (ec && ec != net::error::operation_aborted) {
            log_.line(id(), '!', "close: " + ec.message());
        }
        if (!conn_.ended) {
            conn_.ended = true;
            if (ec) {
                drop_socket(); // the pending read ends too
            }
        }
        maybe_after();
    }

    void maybe_after()
    {
        if (conn_.active && conn_.ended && ops_ == 0) {
            after_connection();
        }
    }

    void after_connection()
    {
        conn_.active = false;
        if (stop_requested_) {
            return finish();
        }
        const ConnectionEnd end{conn_.failed, std::move(conn_.reason)};
        guarded([&] { schedule_->on_ended(*this, end); });
    }

    // ---- reading --------------------------------------------------------

    void read()
    {
        ++ops_;
        ws_->async_read(buffer_, [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(error_code ec)
    {
        --ops_;
        if (ec) {
            if (!conn_.ended) {
                if (conn_.closing) {
                    conn_.ended = true; // the close handshake completed
                } else {
                    lost_ = ec;
                    const bool in_flight = pending_.has_value();
                    guarded([&] { schedule_->on_lost(*this, in_flight); });
                    if (!conn_.ended) {
                        abort(lost_reason("")); // the schedule must end it; make sure
                        return;
                    }
                }
            }
            return maybe_after();
        }
        if (!conn_.ended) {
            const std::string_view text(static_cast<const char*>(buffer_.data().data()), buffer_.size());
            log_.line(id(), '<', text);
            guarded([&] { handle_text(text); });
        }
        buffer_.consume(buffer_.size());
        if (!conn_.ended) {
            return read();
        }
        maybe_after();
    }

    std::string lost_reason(std::string_view when) override
    {
        if (lost_ == websocket::error::closed) {
            return "server closed the connection" + std::string(when) + " (code " + std::to_string(ws_->reason().code) +
                   ")";
        }
        if constexpr (is_tls) {
            if (is_tls_error(lost_)) {
                return tls_failure(ws_->next_layer(), lost_) + std::string(when);
            }
        }
        return "read: " + lost_.message() + std::string(when);
    }

    void handle_text(std::string_view text)
    {
        if (quick_result(text)) {
            take_pending();
            return schedule_->on_result(*this, empty_payload());
        }
        auto parsed = ocpp::parse_frame(text);
        if (auto* bad = std::get_if<ocpp::FrameError>(&parsed)) {
            ++stats_.unexpected;
            log_.line(id(), '!', "malformed frame: " + bad->description);
            // It may have been a CALL; answering lets the server see its mistake.
            if (bad->unique_id) {
                enqueue(ocpp::serialize_call_error(*bad->unique_id, bad->code, bad->description));
            }
            return;
        }
        auto& frame = std::get<ocpp::Frame>(parsed);
        if (frame.type == ocpp::MessageType::call) {
            return answer_call(frame);
        }
        handle_reply(frame);
    }

    // The common case under load, without building a Document: the
    // CALLRESULT of a call whose payload nothing reads (Heartbeat,
    // MeterValues). Anything else (spacing, another id) takes the full parse.
    bool quick_result(std::string_view text) const
    {
        if (!pending_ || !pending_->result_unread || conn_.closing) {
            return false;
        }
        const std::string& uid = pending_->unique_id;
        constexpr std::string_view head = "[3,\"";
        return text.size() > head.size() + uid.size() + 2 && text.starts_with(head) &&
               text.substr(head.size(), uid.size()) == uid && text.substr(head.size() + uid.size(), 2) == "\"," &&
               text.ends_with(']');
    }

    void answer_call(const ocpp::Frame& frame)
    {
        if (!open()) {
            return; // no writes once the close has begun
        }
        auto answer = schedule_->answer(*this, frame);
        if (auto* payload = std::get_if<rapidjson::Document>(&answer)) {
            enqueue(ocpp::serialize_call_result(frame.unique_id, *payload));
        } else {
            enqueue(ocpp::serialize_call_error(frame.unique_id, std::get<ocpp::ErrorCode>(answer),
                                               "Action not supported by ocpp-sim"));
        }
        schedule_->on_answered(*this);
    }

    void handle_reply(const ocpp::Frame& frame)
    {
        if (conn_.closing) {
            return; // a reply to a call given up by the close
        }
        if (!pending_ || frame.unique_id != pending_->unique_id) {
            ++stats_.unexpected;
            log_.line(id(), '!', "reply to unknown message id " + frame.unique_id);
            return;
        }
        take_pending();
        if (frame.type == ocpp::MessageType::call_error) {
            return schedule_->on_call_error(*this, frame);
        }
        schedule_->on_result(*this, frame.payload());
    }

    void take_pending()
    {
        pending_.reset();
        cancel(call_timer_);
    }

    void on_call_timeout()
    {
        if (!pending_) {
            return;
        }
        std::string reason = std::string(pending_->action) + " timed out after " +
                             std::to_string(settings_.call_timeout.count()) + " ms";
        pending_.reset();
        schedule_->on_call_timeout(*this, std::move(reason));
    }

    // ---- writing --------------------------------------------------------

    void enqueue(std::string text)
    {
        if (!open()) {
            return; // no writes once the close has begun
        }
        log_.line(id(), '>', text);
        queue_.push_back(std::move(text));
        if (queue_.size() == 1) {
            do_write();
        }
    }

    void do_write()
    {
        ++ops_;
        ws_->async_write(net::buffer(queue_.front()),
                         [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_write(ec); });
    }

    void on_write(error_code ec)
    {
        --ops_;
        if (ec) {
            // The read side sees the same broken connection and reports it.
            queue_.clear();
            if (!conn_.ended) {
                error_code ignored;
                beast::get_lowest_layer(*ws_).socket().close(ignored);
            }
            return maybe_after();
        }
        queue_.pop_front();
        if (!queue_.empty()) {
            return do_write();
        }
        if (conn_.close_pending && !conn_.ended) {
            return do_close();
        }
        maybe_after();
    }

    Strand strand_;
    Timer next_;       // the schedule's: start and retry delays, the next slot, hold heartbeats
    Timer hold_;       // the schedule's: the end of a hold
    Timer call_timer_; // the CALL in flight
    std::shared_ptr<const Endpoints> endpoints_;
    std::shared_ptr<TlsClient> tls_; // null for ws://
    ClientSettings settings_;
    std::unique_ptr<ChargerSchedule> schedule_;
    FrameLog& log_;
    std::function<void()> on_done_;
    TlsSession session_;

    std::optional<websocket::stream<Stream>> ws_; // one per connection attempt
    Connection conn_;
    int ops_ = 0; // asynchronous operations in flight on ws_
    int attempts_ = 0;
    error_code lost_; // the read error that ended the last connection
    websocket::response_type response_;
    beast::flat_buffer buffer_;
    std::deque<std::string> queue_; // one write in flight at the front
    std::optional<PendingCall> pending_;
    std::string next_uid_;
    std::uint64_t call_seq_ = 0;
    bool finished_ = false;
    bool stop_requested_ = false;
    ChargerStats stats_;
};

} // namespace

std::shared_ptr<Charger> make_client(boost::asio::io_context& ioc, std::shared_ptr<const Endpoints> endpoints,
                                     std::shared_ptr<TlsClient> tls, ClientSettings settings,
                                     std::unique_ptr<ChargerSchedule> schedule, FrameLog& log,
                                     std::function<void()> on_done)
{
    auto strand = net::make_strand(ioc);
    if (tls) {
        return std::make_shared<WsClient<TlsStream>>(strand, std::move(endpoints), std::move(tls), std::move(settings),
                                                     std::move(schedule), log, std::move(on_done));
    }
    return std::make_shared<WsClient<beast::tcp_stream>>(strand, std::move(endpoints), nullptr, std::move(settings),
                                                         std::move(schedule), log, std::move(on_done));
}

} // namespace csms::sim
