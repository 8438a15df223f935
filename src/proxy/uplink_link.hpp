#pragma once
// Inside the uplinks, for uplink*.cpp only (Beast and Asio stay here): the
// shared state of all links (Uplinks::Impl, on the uplinks' io thread) and
// one link per partner and charger with its connection. uplink.cpp starts,
// stops and wakes links and keeps each partner's buffer bounded;
// uplink_session.cpp connects and sends the outbox; uplink_calls.cpp takes
// the partner's own calls to the charger; uplink_urgent.cpp sends what a
// charger waits for: Authorize questions about a partner's customers' id
// tags, and CALLs relayed to a charger's primary backend;
// uplink_health.cpp says when a link goes down or comes back: the log, its
// gauge and its alert; uplink_traffic.cpp counts what a link carried.
#include "base/metrics.hpp"
#include "proxy/id_map.hpp"
#include "proxy/relay_policy.hpp"
#include "proxy/uplink.hpp"
#include "store/command_store.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

namespace csms::proxy {
namespace uplink_detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
using namespace std::chrono_literals;

constexpr std::size_t max_queued_writes = 64;

// A timer used as a wake-up: waits until cancelled, or at most `limit`.
awaitable<void> wait_signal(asio::steady_timer& timer, std::chrono::steady_clock::duration limit);

// The completion of a coroutine nobody waits for: what ended it with an
// exception is logged, where `detached` would drop it unseen.
inline auto log_if_failed(std::string what)
{
    return [what = std::move(what)](const std::exception_ptr& failure) {
        if (!failure) {
            return;
        }
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& e) {
            spdlog::error("{} ended: {}", what, e.what());
        } catch (...) {
            spdlog::error("{} ended with an unknown exception", what);
        }
    };
}

// One connection of a link; a reconnect makes a new one, so the reader and
// writer of a closed connection can never touch the next.
struct Conn {
    explicit Conn(asio::any_io_executor ex) : write_signal(ex), answer_timer(ex) {}
    virtual ~Conn() = default;
    virtual void close() = 0;

    void enqueue(std::string frame)
    {
        if (closed) {
            return;
        }
        if (writes.size() >= max_queued_writes) {
            close_with("too many frames waiting to be written");
            return;
        }
        writes.push_back(std::move(frame));
        write_signal.cancel();
    }
    void close_with(std::string why)
    {
        if (closed) {
            return;
        }
        closed = true;
        error = std::move(why);
        write_signal.cancel();
        answer_timer.cancel();
        close();
    }

    bool closed = false;
    std::string error;
    std::deque<std::string> writes;
    asio::steady_timer write_signal;
    // The one CALL of ours in flight, and its answer once read.
    std::string pending_id;
    std::optional<PartnerFrame> answer;
    asio::steady_timer answer_timer;
};

template <class Ws> struct ConnT final : Conn {
    template <class... Args>
    ConnT(asio::any_io_executor ex, Args&&... args) : Conn(ex), ws(ex, std::forward<Args>(args)...)
    {
    }
    void close() override
    {
        boost::system::error_code ignored;
        beast::get_lowest_layer(ws).socket().close(ignored);
    }
    Ws ws;
};

// A CALL a charger is waiting for: a delegated Authorize, or a CALL relayed
// to the charger's primary backend. It goes ahead of the link's outbox and
// is settled exactly once: by the answer, its deadline or a lost link.
struct UrgentCall {
    explicit UrgentCall(asio::io_context& io) : deadline(io) {}
    void answer(const PartnerFrame& frame)
    {
        if (!settled) {
            settled = true;
            deadline.cancel();
            on_answer(frame);
        }
    }
    void fail(const std::string& reason)
    {
        if (!settled) {
            settled = true;
            deadline.cancel();
            on_failure(reason);
        }
    }

    std::string action, payload;
    asio::steady_timer deadline;
    std::function<void(const PartnerFrame&)> on_answer;
    std::function<void(const std::string& reason)> on_failure;
    bool settled = false;
};

// What a delegated Authorize decides for: the fallback when the partner
// does not, and where the decision goes once recorded.
struct AuthorizeRequest {
    std::string partner, charger_id, id_tag;
    std::string fallback; // the partner's authorize_fallback status
    std::function<void(AuthorizeDelegate::Decision)> done;
};

using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

} // namespace uplink_detail

using namespace uplink_detail;

struct Uplinks::Tls {
    std::map<std::string, std::shared_ptr<ssl::context>> contexts; // by partner name
};

struct Uplinks::Impl : std::enable_shared_from_this<Uplinks::Impl> {
    struct Link;

    Impl(const Partners& partners_, std::string db_path_, store::Writer& writer_, CommandService& commands_,
         const base::Clock& clock_, base::Metrics& metrics_, Options options_)
        : partners(partners_), db_path(std::move(db_path_)), writer(writer_), commands(commands_), clock(clock_),
          metrics(metrics_), options(options_), tls(load_tls(partners_.current())), random(std::random_device{}())
    {
    }

    static std::shared_ptr<ssl::context> make_tls_context(const Partner& p)
    {
        auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
        try {
            ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                             ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
            ctx->set_verify_mode(ssl::verify_peer);
            if (p.ca_file.empty()) {
                ctx->set_default_verify_paths();
            } else {
                ctx->load_verify_file(p.ca_file);
            }
            if (!p.client_cert.empty()) {
                ctx->use_certificate_chain_file(p.client_cert);
                ctx->use_private_key_file(p.client_key, ssl::context::pem);
            }
        } catch (const boost::system::system_error& e) {
            throw std::runtime_error("partner '" + p.name + "': cannot load its TLS files: " + e.what());
        }
        return ctx;
    }

    const Partner* partner_named(const std::string& name) const
    {
        for (const auto& p : partners.current().partners) {
            if (p.name == name) {
                return &p;
            }
        }
        return nullptr;
    }

    // io thread only.
    void ensure_link(const Partner& partner, const std::string& charger_id);
    // Links every partner of the current set should have from the start:
    // the chargers it lists, and those with messages queued for it.
    void start_links();
    // After a reload: closes the links whose partner went or changed.
    void retire_stale_links();
    void on_wake(const std::string& charger_id);
    void check_buffer(Link& link);
    void check_buffer_if_needed(Link& link);

    void set_state(const Link& link, std::string state, std::optional<std::string> error = std::nullopt);
    // Clears the partner_link_down alerts of partners no longer in the set
    // (removed while csmsd was stopped, or by a reload).
    void clear_alerts_of_gone_partners();

    // Puts the call at the head of its link's line, or fails it at once when
    // the link is between attempts or csmsd is stopping.
    void send_urgent(const Partner& partner, const std::string& charger_id, std::shared_ptr<UrgentCall> call,
                     std::chrono::milliseconds timeout);

    void authorize(const std::string& partner, const std::string& charger_id, const std::string& id_tag,
                   std::function<void(AuthorizeDelegate::Decision)> done);
    // Records the decision, then hands it back; once per request.
    void decide(const AuthorizeRequest& request, const IdTagInfo& info, bool from_partner, const std::string& reason);
    void fall_back(const AuthorizeRequest& request, const std::string& reason);

    void relay(const std::string& primary, const std::string& charger_id, const std::string& action,
               std::string payload, std::function<void(RelayResult)> done);

    const Partners& partners;
    std::string db_path;
    store::Writer& writer;
    CommandService& commands;
    const base::Clock& clock;
    base::Metrics& metrics;
    Options options;
    std::shared_ptr<const Tls> tls; // io thread after construction

    asio::io_context io{1};
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::thread thread;
    bool stopping = false;             // io thread
    std::optional<store::Database> db; // io thread: reads only; writes go through the writer
    std::map<std::pair<std::string, std::string>, std::shared_ptr<Link>> links; // io thread
    std::mt19937 random;

    mutable std::mutex states_mutex;
    std::map<std::pair<std::string, std::string>, LinkState> states;
};

struct Uplinks::Impl::Link : std::enable_shared_from_this<Link> {
    Link(Impl& impl_, const Partner& partner_, std::string charger_)
        : impl(impl_), partner(partner_), charger_id(std::move(charger_)), wake_timer(impl_.io), retry_timer(impl_.io),
          rate(partner_.rate_per_minute), alert_timer(impl_.io)
    {
    }

    awaitable<void> run();
    template <class Ws> awaitable<void> handshake(ConnT<Ws>& conn);
    template <class Ws> awaitable<void> read_loop(std::shared_ptr<ConnT<Ws>> conn);
    template <class Ws> awaitable<void> write_loop(std::shared_ptr<ConnT<Ws>> conn);
    awaitable<void> send_loop(std::shared_ptr<Conn> conn);
    awaitable<void> send_urgent(std::shared_ptr<Conn> conn, std::shared_ptr<UrgentCall> call);
    void fail_urgent(const std::string& reason);
    awaitable<bool> commit(store::Writer::Work work);
    void on_partner_call(const std::shared_ptr<Conn>& conn, const PartnerFrame& frame);
    void refuse(const std::shared_ptr<Conn>& conn, const PartnerFrame& frame, ocpp::ErrorCode code,
                const std::string& reason);
    void record_error(const std::string& error);
    void answer_partner(const std::shared_ptr<Conn>& conn, const PartnerFrame& frame, const ocpp::CallOutcome& outcome);
    void record_command(store::CommandRecord record, const ocpp::CallOutcome& outcome);
    // A reload changed or removed its partner: it closes and its loop ends.
    void retire();

    // Health (uplink_health.cpp). A link is down from its start until it
    // connects, and from each lost connection until the next.
    void start_health();
    void mark_up();
    void mark_down(const std::string& reason);
    void raise_down_alert_later(); // at down_since + the partner's alert_after
    void raise_down_alert();
    void clear_down_alert();
    void forget_health(); // retired: its series and its alert go

    // Traffic (uplink_traffic.cpp): per-link counters beside
    // csms_partner_link_up, registered when the link starts and dropped
    // when it is retired.
    void start_counters();
    void forget_counters();
    void count_forwarded();                 // an outbox row the partner answered
    void count_partner_call(bool answered); // the charger's answer went back, or csmsd refused it

    Impl& impl;
    const Partner& partner;
    std::string charger_id;
    asio::steady_timer wake_timer;
    asio::steady_timer retry_timer;
    RateLimiter rate;
    std::shared_ptr<Conn> current;
    std::uint64_t next_id = 1;
    bool overflow_alerted = false;
    // Rows queued when last counted, plus one per wake-up since and minus
    // one per row sent: never below the truth. -1: not counted yet.
    std::int64_t known_depth = -1;
    // Calls a charger waits for; they go before the next outbox row.
    std::deque<std::shared_ptr<UrgentCall>> urgent;
    bool backing_off = false;                  // between a failed connection and the next attempt
    bool retired = false;                      // closed by a reload; a new link may have its key
    std::shared_ptr<ssl::context> tls_context; // wss: the one its connection was made with
    // The partner's transaction id -> ours, from a StartTransaction answer
    // whose mapping is being committed.
    std::map<std::int64_t, std::int64_t> committing_ids;

    // Health: see mark_up and mark_down.
    bool up = false;
    bool down_logged = false; // this outage's warning is in the log
    std::chrono::steady_clock::time_point down_since = std::chrono::steady_clock::now();
    base::SysTime down_since_utc{};
    std::string last_failure;        // of this outage, for its alert
    asio::steady_timer alert_timer;  // alert_after from down_since
    bool alert_may_be_open = true;   // one from a previous run or link may be: clear on connect
    base::Gauge* up_gauge = nullptr; // csms_partner_link_up for this link; null once retired

    // Traffic: null once retired (an answer may arrive after that).
    base::Counter* forwarded = nullptr;
    base::Counter* calls_answered = nullptr;
    base::Counter* calls_refused = nullptr;
};

} // namespace csms::proxy
