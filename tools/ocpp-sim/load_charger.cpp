#include "load_charger.hpp"

#include "base/time_format.hpp"
#include "bound_socket.hpp"
#include "live_meter.hpp"
#include "load_frames.hpp"
#include "ocpp/frame.hpp"
#include "scenario.hpp"
#include "stats.hpp"
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
#include <random>
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

// status: the Available after boot; charging_status: the mix's StatusNotification.
enum class Step { boot, status, start, heartbeat, meter_values, charging_status, stop };

std::string_view action_of(Step step)
{
    switch (step) {
    case Step::boot:
        return "BootNotification";
    case Step::status:
    case Step::charging_status:
        return "StatusNotification";
    case Step::start:
        return "StartTransaction";
    case Step::heartbeat:
        return "Heartbeat";
    case Step::meter_values:
        return "MeterValues";
    case Step::stop:
        return "StopTransaction";
    }
    return "?";
}

const rapidjson::Value* member(const rapidjson::Value& object, const char* name)
{
    if (!object.IsObject()) {
        return nullptr;
    }
    auto it = object.FindMember(name);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

std::string string_or(const rapidjson::Value* v, std::string_view fallback)
{
    return v != nullptr && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string(fallback);
}

template <class Stream>
class LoadCharger final : public Charger, public std::enable_shared_from_this<LoadCharger<Stream>> {
public:
    static constexpr bool is_tls = std::is_same_v<Stream, TlsStream>;
    using Strand = net::strand<net::io_context::executor_type>;
    using Ws = websocket::stream<Stream>;

    LoadCharger(Strand strand, std::shared_ptr<const Endpoints> endpoints, std::optional<tcp::endpoint> bound_target,
                std::shared_ptr<TlsClient> tls, LoadSettings settings, FrameLog& log, const base::Clock& clock,
                std::function<void()> on_done)
        : strand_(strand), timer_{net::steady_timer(strand)}, hold_{net::steady_timer(strand)},
          endpoints_(std::move(endpoints)), bound_target_(bound_target), tls_(std::move(tls)),
          settings_(std::move(settings)), log_(log), clock_(clock), on_done_(std::move(on_done)),
          rng_(0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(settings_.number)),
          mix_(settings_.mix, 0xC2B2AE3D27D4EB4Full * static_cast<std::uint64_t>(settings_.number)),
          live_meter_(meter_wh_, 0x165667B19E3779F9ull * static_cast<std::uint64_t>(settings_.number))
    {
        stats_.charge_point_id = settings_.charge_point_id;
        if (!settings_.storm) {
            const auto hb = settings_.heartbeat_interval;
            const auto mv = settings_.meter_interval;
            schedule_ =
                LoadSchedule(PeriodicSchedule(hb, random_phase(hb, rng_), settings_.load_start, settings_.load_end),
                             PeriodicSchedule(mv, random_phase(mv, rng_), settings_.load_start, settings_.load_end));
        }
    }

    void start() override
    {
        net::dispatch(strand_, [self = this->shared_from_this()] { self->do_start(); });
    }

    void stop() override
    {
        net::dispatch(strand_, [self = this->shared_from_this()] { self->do_stop(); });
    }

    const ChargerStats& stats() const override { return stats_; }

private:
    // A timer whose stale wake-ups (cancelled, or re-armed meanwhile) are ignored.
    struct Alarm {
        net::steady_timer timer;
        std::uint64_t seq = 0;
    };

    struct Pending {
        Step step;
        SteadyPoint intended;  // the due time (load) or the send time
        std::string timestamp; // as sent; kept for the durability log only
        std::int64_t meter_wh = 0;
    };

    // What one connection attempt has come to.
    struct Connection {
        bool active = false;  // from attempt() to after_connection()
        bool open = false;    // WebSocket handshake done
        bool closing = false; // our close handshake started
        bool close_pending = false;
        bool ended = false;   // no more traffic; waiting for ops to drain
        bool failed = false;  // ended by a failure (reason)
        bool dropped = false; // load with --durability-log: the server went away
        std::string reason;
        SteadyPoint started{};
    };

    const std::string& id() const { return settings_.charge_point_id; }
    bool converging() const { return settings_.storm && !stats_.converged; }

    void set_alarm(Alarm& alarm, SteadyPoint at, void (LoadCharger::*what)())
    {
        alarm.timer.expires_at(at);
        alarm.timer.async_wait([self = this->shared_from_this(), &alarm, seq = ++alarm.seq, what](error_code ec) {
            if (ec || alarm.seq != seq) {
                return;
            }
            self->guarded([&] { ((*self).*what)(); });
        });
    }

    void cancel(Alarm& alarm)
    {
        ++alarm.seq;
        alarm.timer.cancel();
    }

    // Nothing may escape a completion handler: it would end io_context::run()
    // on this thread and strand every other charger served by it.
    template <class F> void guarded(F&& f)
    {
        try {
            f();
        } catch (const std::exception& e) {
            fail(std::string("internal error: ") + e.what());
            end_connection(std::string("internal error: ") + e.what());
        }
    }

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
        finished_ = true;
        cancel(timer_);
        cancel(hold_);
        if (on_done_) {
            auto done = std::move(on_done_);
            on_done_ = nullptr;
            done();
        }
    }

    void do_start() { set_alarm(timer_, settings_.connect_at, &LoadCharger::attempt); }

    void do_stop()
    {
        if (finished_) {
            return;
        }
        stop_requested_ = true;
        fail("interrupted");
        cancel(timer_);
        cancel(hold_);
        if (!conn_.active) {
            return finish();
        }
        end_connection("interrupted");
    }

    // ---- connecting ------------------------------------------------------

    void attempt()
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
            if (auto ec = open_bound(lowest.socket(), *settings_.sources)) {
                return connect_failed("bind: " + ec.message());
            }
            ++ops_;
            lowest.async_connect(*bound_target_,
                                 [self = this->shared_from_this()](error_code ec) { self->on_connect(ec); });
        } else {
            ++ops_;
            lowest.async_connect(*endpoints_, [self = this->shared_from_this()](error_code ec, const tcp::endpoint&) {
                self->on_connect(ec);
            });
        }
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
        // The TCP deadline bounds the upgrade too (see charger.cpp).
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
        thread_recorders().connect.record(
            std::chrono::duration_cast<std::chrono::microseconds>(now - conn_.started).count());
        beast::get_lowest_layer(*ws_).expires_never();
        auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
        // Bounds the closing handshake, so an unresponsive server cannot hold
        // a charger longer than one call would.
        timeouts.handshake_timeout = settings_.call_timeout;
        ws_->set_option(timeouts);
        log_.line(id(), '*', "open");
        conn_.open = true;
        ws_->text(true);
        read();
        if (stop_requested_) {
            return end_connection("interrupted");
        }
        // OCPP-J 1.6 section 3.1.2: the server must echo the subprotocol it chose.
        if (response_[http::field::sec_websocket_protocol] != subprotocol) {
            return end_connection("server did not select subprotocol ocpp1.6");
        }
        send(Step::boot, now);
    }

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
        end_connection(std::move(reason));
    }

    // ---- ending a connection --------------------------------------------

    // Abrupt: closes the socket, so every pending operation ends; the
    // connection is over once they have (maybe_after).
    void end_connection(std::string reason)
    {
        if (!conn_.ended) {
            conn_.ended = true;
            conn_.failed = true;
            conn_.reason = std::move(reason);
            drop_socket();
        }
        maybe_after();
    }

    void drop_socket()
    {
        cancel(timer_);
        cancel(hold_);
        pending_.reset();
        if (ws_) {
            error_code ignored;
            beast::get_lowest_layer(*ws_).expires_never();
            beast::get_lowest_layer(*ws_).socket().close(ignored);
        }
    }

    // Graceful: close 1000 after any write in flight.
    void begin_close()
    {
        if (!conn_.open || conn_.closing || conn_.ended) {
            return;
        }
        conn_.closing = true;
        cancel(timer_);
        cancel(hold_);
        pending_.reset();
        if (queue_.empty()) {
            do_close();
        } else {
            conn_.close_pending = true;
        }
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
        if (conn_.dropped) {
            stats_.completed = true; // acknowledged work is logged; the drop is the test
            return finish();
        }
        if (!conn_.failed) {
            stats_.completed = completed_;
            return finish();
        }
        if (converging()) {
            return schedule_retry();
        }
        fail(conn_.reason);
        finish();
    }

    void schedule_retry()
    {
        log_.line(id(), '!', "retrying after: " + conn_.reason);
        const auto delay = retry_delay(settings_.retry, attempts_, rng_);
        const auto at = SteadyClock::now() + delay;
        if (at >= settings_.storm_deadline) {
            fail("not converged within --storm-timeout; last attempt: " + conn_.reason);
            return finish();
        }
        set_alarm(timer_, at, &LoadCharger::attempt);
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
                    connection_lost(ec);
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

    void connection_lost(const error_code& ec)
    {
        std::string reason;
        if (ec == websocket::error::closed) {
            reason = "server closed the connection (code " + std::to_string(ws_->reason().code) + ")";
        } else if constexpr (is_tls) {
            reason = is_tls_error(ec) ? tls_failure(ws_->next_layer(), ec) : "read: " + ec.message();
        } else {
            reason = "read: " + ec.message();
        }
        if (!settings_.storm && settings_.durability != nullptr) {
            log_.line(id(), '*', "dropped: " + reason);
            stats_.dropped = true;
            conn_.ended = true;
            conn_.dropped = true;
            drop_socket();
            return;
        }
        if (pending_ && !converging()) {
            // The reply is never coming: that is an error, not a silent drop.
            stats_.errors["ConnectionLost"] += 1;
        }
        end_connection(std::move(reason));
    }

    void handle_text(std::string_view text)
    {
        if (quick_periodic_result(text)) {
            const auto now = SteadyClock::now();
            Pending call = take_pending(now);
            return on_result(call, now, empty_payload());
        }
        auto parsed = ocpp::parse_frame(text);
        if (auto* bad = std::get_if<ocpp::FrameError>(&parsed)) {
            ++stats_.unexpected;
            log_.line(id(), '!', "malformed frame: " + bad->description);
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

    void answer_call(const ocpp::Frame& frame)
    {
        auto answer = answer_server_call(frame.action);
        if (auto* payload = std::get_if<rapidjson::Document>(&answer)) {
            enqueue(ocpp::serialize_call_result(frame.unique_id, *payload));
        } else {
            enqueue(ocpp::serialize_call_error(frame.unique_id, std::get<ocpp::ErrorCode>(answer),
                                               "Action not supported by ocpp-sim"));
        }
    }

    void handle_reply(const ocpp::Frame& frame)
    {
        if (conn_.closing) {
            return; // a reply to a call given up by the close
        }
        if (!pending_ || frame.unique_id != pending_uid_) {
            ++stats_.unexpected;
            log_.line(id(), '!', "reply to unknown message id " + frame.unique_id);
            return;
        }
        const auto now = SteadyClock::now();
        Pending call = take_pending(now);
        if (frame.type == ocpp::MessageType::call_error) {
            std::string reason = std::string(action_of(call.step)) + " got CALLERROR " + frame.error_code + ": " +
                                 frame.error_description;
            if (converging()) {
                return end_connection(std::move(reason));
            }
            stats_.errors[frame.error_code] += 1;
            fail(std::move(reason));
            return begin_close();
        }
        on_result(call, now, frame.payload());
    }

    static bool periodic(Step step)
    {
        return step == Step::heartbeat || step == Step::meter_values || step == Step::charging_status;
    }

    static CallKind kind_of(Step step)
    {
        if (step == Step::heartbeat) {
            return CallKind::heartbeat;
        }
        return step == Step::meter_values ? CallKind::meter_values : CallKind::status_notification;
    }

    static const rapidjson::Value& empty_payload()
    {
        static const rapidjson::Value empty(rapidjson::kObjectType);
        return empty;
    }

    // The common case under load, without building a Document: the
    // CALLRESULT of a Heartbeat or MeterValues in flight, whose payload
    // nothing reads. Anything else (spacing, another id) takes the full parse.
    bool quick_periodic_result(std::string_view text) const
    {
        if (!pending_ || !periodic(pending_->step) || conn_.closing) {
            return false;
        }
        constexpr std::string_view head = "[3,\"";
        return text.size() > head.size() + pending_uid_.size() + 2 && text.starts_with(head) &&
               text.substr(head.size(), pending_uid_.size()) == pending_uid_ &&
               text.substr(head.size() + pending_uid_.size(), 2) == "\"," && text.ends_with(']');
    }

    // The reply to the call in flight: ends its timeout, records its latency.
    Pending take_pending(SteadyPoint now)
    {
        Pending call = std::move(*pending_);
        pending_.reset();
        cancel(timer_);
        if (settings_.storm || periodic(call.step)) {
            // load: only the periodic calls, from their due time; storm: every call.
            const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now - call.intended).count();
            Recorders& recorders = thread_recorders();
            recorders.latency.record(us);
            if (!settings_.storm) {
                recorders.by_kind[static_cast<std::size_t>(kind_of(call.step))].record(us);
            }
        }
        return call;
    }

    void on_result(const Pending& call, SteadyPoint now, const rapidjson::Value& payload)
    {
        ++stats_.results;
        if (!settings_.storm && periodic(call.step)) {
            ++stats_.load_calls;
            stats_.last_load_reply = now;
        }
        switch (call.step) {
        case Step::boot: {
            const std::string status = string_or(member(payload, "status"), "<missing>");
            if (status != "Accepted") {
                return unexpected_reply("BootNotification status " + status);
            }
            return send(Step::status, now);
        }
        case Step::status:
            if (settings_.storm) {
                stats_.converged = true;
                stats_.converged_at = now;
                return start_hold();
            }
            if (settings_.meter_interval.count() > 0 || settings_.closed_loop) {
                return send(Step::start, now);
            }
            return start_load();
        case Step::start: {
            const rapidjson::Value* info = member(payload, "idTagInfo");
            const std::string status = string_or(info != nullptr ? member(*info, "status") : nullptr, "<missing>");
            const rapidjson::Value* tx = member(payload, "transactionId");
            if (status != "Accepted") {
                return unexpected_reply("StartTransaction idTagInfo.status " + status);
            }
            if (tx == nullptr || !tx->IsInt64()) {
                return unexpected_reply("StartTransaction transactionId missing or not an integer");
            }
            transaction_id_ = tx->GetInt64();
            log_durable(DurableKind::start, call);
            return start_load();
        }
        case Step::heartbeat:
            if (settings_.storm) {
                return set_alarm(timer_, now + settings_.heartbeat_interval, &LoadCharger::hold_heartbeat);
            }
            return next_slot();
        case Step::meter_values:
            log_durable(DurableKind::meter, call);
            return next_slot();
        case Step::charging_status:
            return next_slot();
        case Step::stop:
            log_durable(DurableKind::stop, call);
            transaction_id_.reset();
            completed_ = true;
            return begin_close();
        }
    }

    // storm before convergence: a reason to retry; otherwise a failure.
    void unexpected_reply(std::string reason)
    {
        if (converging()) {
            return end_connection(std::move(reason));
        }
        ++stats_.unexpected;
        fail(std::move(reason));
        begin_close();
    }

    void log_durable(DurableKind kind, const Pending& call)
    {
        if (settings_.durability != nullptr) {
            settings_.durability->append(
                DurableRecord{kind, id(), transaction_id_.value_or(0), call.timestamp, call.meter_wh});
        }
    }

    // ---- load -----------------------------------------------------------

    void start_load()
    {
        // A charger up after the window opened does not owe the slots it missed.
        stats_.load_skipped += schedule_.skip_before(SteadyClock::now());
        next_slot();
    }

    void next_slot()
    {
        if (pending_ || !conn_.open || conn_.closing || conn_.ended) {
            return;
        }
        if (settings_.closed_loop) {
            return next_closed_loop_call();
        }
        auto slot = schedule_.peek();
        if (!slot) {
            // Connected until the window closes, even with no call left to
            // make: a held charger counts as held for the whole window.
            if (SteadyClock::now() < settings_.load_end) {
                return set_alarm(timer_, settings_.load_end, &LoadCharger::next_slot);
            }
            if (transaction_id_) {
                return send(Step::stop, SteadyClock::now());
            }
            completed_ = true;
            return begin_close();
        }
        if (slot->due > SteadyClock::now()) {
            return set_alarm(timer_, slot->due, &LoadCharger::next_slot);
        }
        // Due, or overdue behind a slow reply: sent now, measured from its due time.
        schedule_.pop();
        send(slot->action == LoadAction::heartbeat ? Step::heartbeat : Step::meter_values, slot->due);
    }

    // Closed loop: waits for the window, then sends the mix's next call at
    // once, measured from now; after the window, as the open loop ends.
    void next_closed_loop_call()
    {
        const auto now = SteadyClock::now();
        if (now < settings_.load_start) {
            return set_alarm(timer_, settings_.load_start, &LoadCharger::next_slot);
        }
        if (now >= settings_.load_end) {
            if (transaction_id_) {
                return send(Step::stop, now);
            }
            completed_ = true;
            return begin_close();
        }
        switch (mix_.next()) {
        case LoadAction::meter_values:
            return send(Step::meter_values, now);
        case LoadAction::heartbeat:
            return send(Step::heartbeat, now);
        case LoadAction::status_notification:
            return send(Step::charging_status, now);
        }
    }

    // ---- storm ----------------------------------------------------------

    void start_hold()
    {
        if (settings_.hold.count() <= 0) {
            completed_ = true;
            return begin_close();
        }
        const auto now = SteadyClock::now();
        set_alarm(hold_, now + settings_.hold, &LoadCharger::on_hold_end);
        if (settings_.heartbeat_interval.count() > 0) {
            set_alarm(timer_, now + settings_.heartbeat_interval, &LoadCharger::hold_heartbeat);
        }
    }

    void hold_heartbeat()
    {
        if (!pending_ && conn_.open && !conn_.closing && !conn_.ended) {
            send(Step::heartbeat, SteadyClock::now());
        }
    }

    void on_hold_end()
    {
        completed_ = true;
        begin_close();
    }

    // ---- writing --------------------------------------------------------

    void send(Step step, SteadyPoint intended)
    {
        char uid[24];
        const auto [end, ec] = std::to_chars(uid, uid + sizeof uid, ++call_seq_);
        (void)ec;
        const std::string_view unique_id(uid, static_cast<std::size_t>(end - uid));
        Pending call{step, intended, {}, 0};
        std::string_view text;
        switch (step) {
        case Step::boot:
            text = frames_.boot_notification(unique_id, id());
            break;
        case Step::status:
            text = frames_.status_available(unique_id, now_text());
            break;
        case Step::charging_status:
            text = frames_.status(unique_id, "Charging", now_text());
            break;
        case Step::start:
            call.timestamp = now_text();
            call.meter_wh = meter_wh_;
            text = frames_.start_transaction(unique_id, settings_.id_tag, meter_wh_, call.timestamp);
            break;
        case Step::heartbeat:
            text = frames_.heartbeat(unique_id);
            break;
        case Step::meter_values:
            if (settings_.closed_loop) {
                text = live_meter_values(unique_id, call);
                break;
            }
            meter_wh_ += sim_wh_per_sample;
            ++sample_;
            soc_percent_ = std::min(100, soc_percent_ + 1);
            call.timestamp = now_text();
            call.meter_wh = meter_wh_;
            text = frames_.meter_values(unique_id, transaction_id_.value_or(0), call.timestamp,
                                        MeterSample{meter_wh_, soc_percent_, 250 + 5 * (sample_ % 100)});
            break;
        case Step::stop:
            // The energy drawn since the last sample.
            meter_wh_ += sim_wh_per_sample;
            call.timestamp = now_text();
            call.meter_wh = meter_wh_;
            text = frames_.stop_transaction(unique_id, transaction_id_.value_or(0), settings_.id_tag, meter_wh_,
                                            call.timestamp);
            break;
        }
        ++stats_.calls;
        pending_uid_.assign(unique_id);
        pending_ = std::move(call);
        set_alarm(timer_, SteadyClock::now() + settings_.call_timeout, &LoadCharger::on_call_timeout);
        enqueue(std::string(text));
    }

    std::string_view live_meter_values(std::string_view unique_id, Pending& call)
    {
        const LiveSample sample = live_meter_.next();
        meter_wh_ = sample.energy_wh;
        call.timestamp = now_text();
        call.meter_wh = meter_wh_;
        return frames_.meter_values_live(unique_id, transaction_id_.value_or(0), call.timestamp, sample);
    }

    // Strictly rising per charger: two calls within one millisecond would
    // carry the same timestamp, and the server could take the second sample
    // for a retry of the first.
    std::string now_text()
    {
        base::SysTime t = clock_.now_utc();
        if (t <= last_timestamp_) {
            t = last_timestamp_ + std::chrono::milliseconds(1);
        }
        last_timestamp_ = t;
        return base::format_date_time(t);
    }

    void on_call_timeout()
    {
        if (!pending_) {
            return;
        }
        std::string reason = std::string(action_of(pending_->step)) + " timed out after " +
                             std::to_string(settings_.call_timeout.count()) + " ms";
        if (!converging()) {
            stats_.errors["Timeout"] += 1;
        }
        end_connection(std::move(reason));
    }

    void enqueue(std::string text)
    {
        if (!conn_.open || conn_.closing || conn_.ended) {
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
    Alarm timer_; // dial and retry delays, the call timeout, the next slot, hold heartbeats
    Alarm hold_;  // storm: end of the hold
    std::shared_ptr<const Endpoints> endpoints_;
    std::optional<tcp::endpoint> bound_target_; // with --source-addresses
    std::shared_ptr<TlsClient> tls_;            // null for ws://
    LoadSettings settings_;
    FrameLog& log_;
    const base::Clock& clock_;
    std::function<void()> on_done_;
    std::mt19937_64 rng_;
    TlsSession session_;

    std::optional<Ws> ws_; // one per connection attempt
    Connection conn_;
    int ops_ = 0; // asynchronous operations in flight on ws_
    int attempts_ = 0;
    websocket::response_type response_;
    beast::flat_buffer buffer_;
    std::deque<std::string> queue_; // one write in flight at the front
    FrameBuilder frames_;
    std::optional<Pending> pending_;
    std::string pending_uid_;
    std::uint64_t call_seq_ = 0;
    LoadSchedule schedule_;
    std::optional<std::int64_t> transaction_id_;
    bool completed_ = false;
    bool finished_ = false;
    bool stop_requested_ = false;
    ChargerStats stats_;

    base::SysTime last_timestamp_{};

    // Simulated meter, as in the scripted mode.
    std::int64_t meter_wh_ = 10'000;
    int soc_percent_ = 20;
    int sample_ = 0;
    // Closed loop: the mix and the varying meter (meter_wh_ follows it).
    MixChooser mix_;
    LiveMeter live_meter_;
};

} // namespace

std::shared_ptr<Charger> make_load_charger(boost::asio::io_context& ioc, std::shared_ptr<const Endpoints> endpoints,
                                           std::shared_ptr<TlsClient> tls, LoadSettings settings, FrameLog& log,
                                           const base::Clock& clock, std::function<void()> on_done)
{
    std::optional<tcp::endpoint> bound_target;
    if (settings.sources != nullptr) {
        bound_target = first_ipv4(*endpoints);
    }
    auto strand = net::make_strand(ioc);
    if (tls) {
        return std::make_shared<LoadCharger<TlsStream>>(strand, std::move(endpoints), bound_target, std::move(tls),
                                                        std::move(settings), log, clock, std::move(on_done));
    }
    return std::make_shared<LoadCharger<beast::tcp_stream>>(strand, std::move(endpoints), bound_target, nullptr,
                                                            std::move(settings), log, clock, std::move(on_done));
}

} // namespace csms::sim
