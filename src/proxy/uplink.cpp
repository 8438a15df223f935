#include "proxy/uplink.hpp"

#include "base/password_hash.hpp"
#include "proxy/id_map.hpp"
#include "proxy/relay_policy.hpp"
#include "store/proxy_store.hpp"
#include "store/security_store.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <thread>

namespace csms::proxy {
namespace {

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
awaitable<void> wait_signal(asio::steady_timer& timer, std::chrono::steady_clock::duration limit)
{
    timer.expires_after(limit);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
}

std::string text_of(const rapidjson::Value& value)
{
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
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

using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

} // namespace

struct Uplinks::Impl : std::enable_shared_from_this<Uplinks::Impl> {
    struct Link;

    Impl(std::shared_ptr<const PartnerSet> partners_, std::string db_path_, store::Writer& writer_,
         CommandService& commands_, const base::Clock& clock_, Options options_)
        : partners(std::move(partners_)), db_path(std::move(db_path_)), writer(writer_), commands(commands_),
          clock(clock_), options(options_), random(std::random_device{}())
    {
        for (const auto& p : partners->partners) {
            if (p.endpoint.tls) {
                tls[p.name] = make_tls_context(p);
            }
        }
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
        for (const auto& p : partners->partners) {
            if (p.name == name) {
                return &p;
            }
        }
        return nullptr;
    }

    // io thread only.
    void ensure_link(const Partner& partner, const std::string& charger_id);
    void on_wake(const std::string& charger_id);
    void check_buffer(Link& link);

    void set_state(const Link& link, std::string state, std::optional<std::string> error = std::nullopt);

    std::shared_ptr<const PartnerSet> partners;
    std::string db_path;
    store::Writer& writer;
    CommandService& commands;
    const base::Clock& clock;
    Options options;
    std::map<std::string, std::shared_ptr<ssl::context>> tls;

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
          rate(partner_.rate_per_minute)
    {
    }

    awaitable<void> run();
    template <class Ws> awaitable<void> handshake(ConnT<Ws>& conn);
    template <class Ws> awaitable<void> read_loop(std::shared_ptr<ConnT<Ws>> conn);
    template <class Ws> awaitable<void> write_loop(std::shared_ptr<ConnT<Ws>> conn);
    awaitable<void> send_loop(std::shared_ptr<Conn> conn);
    awaitable<bool> commit(store::Writer::Work work);
    void on_partner_call(const std::shared_ptr<Conn>& conn, const PartnerFrame& frame);
    void refuse(const std::shared_ptr<Conn>& conn, const PartnerFrame& frame, std::string_view code,
                const std::string& reason);
    void record_error(const std::string& error);
    void answer_partner(const std::shared_ptr<Conn>& conn, const PartnerFrame& frame, const ocpp::CallOutcome& outcome);

    Impl& impl;
    const Partner& partner;
    std::string charger_id;
    asio::steady_timer wake_timer;
    asio::steady_timer retry_timer;
    RateLimiter rate;
    std::shared_ptr<Conn> current;
    std::uint64_t next_id = 1;
    bool overflow_alerted = false;
};

void Uplinks::Impl::set_state(const Link& link, std::string state, std::optional<std::string> error)
{
    std::lock_guard lock(states_mutex);
    auto& s = states[{link.partner.name, link.charger_id}];
    s.partner = link.partner.name;
    s.charger_id = link.charger_id;
    s.state = std::move(state);
    if (error) {
        s.last_error = std::move(*error);
    }
}

void Uplinks::Impl::ensure_link(const Partner& partner, const std::string& charger_id)
{
    auto key = std::make_pair(partner.name, charger_id);
    if (links.count(key) != 0 || stopping) {
        return;
    }
    auto link = std::make_shared<Link>(*this, partner, charger_id);
    links[key] = link;
    set_state(*link, "connecting");
    asio::co_spawn(io, link->run(), asio::detached);
}

void Uplinks::Impl::on_wake(const std::string& charger_id)
{
    for (const auto& partner : partners->partners) {
        auto it = links.find({partner.name, charger_id});
        if (it == links.end()) {
            if (store::outbox_depth(*db, partner.name, charger_id) > 0) {
                ensure_link(partner, charger_id);
            }
            continue;
        }
        check_buffer(*it->second);
        it->second->wake_timer.cancel();
    }
}

// Over buffer_limit: the oldest copies go, and one alert says so until the
// link has drained below the limit again.
void Uplinks::Impl::check_buffer(Link& link)
{
    const auto limit = static_cast<std::int64_t>(link.partner.buffer_limit);
    if (store::outbox_depth(*db, link.partner.name, link.charger_id) <= limit) {
        link.overflow_alerted = false;
        return;
    }
    bool alert = !link.overflow_alerted;
    link.overflow_alerted = true;
    auto partner = link.partner.name;
    auto charger = link.charger_id;
    auto now = clock.now_utc();
    writer.submit(
        [partner, charger, limit, alert, now](store::Database& w) {
            auto dropped = store::drop_oldest_outbox(w, partner, charger, limit);
            if (dropped == 0) {
                return;
            }
            store::count_dropped(w, partner, charger, dropped);
            if (alert) {
                store::AlertRecord record;
                record.charger_id = charger;
                record.kind = "proxy_buffer_overflow";
                record.severity = store::AlertSeverity::warning;
                record.message = "partner '" + partner + "' is not taking messages: its buffer of " +
                                 std::to_string(limit) + " is full and the oldest are being dropped";
                record.source_ref = "proxy_links:" + partner;
                record.raised_at = now;
                store::insert_alert(w, record);
            }
        },
        [](bool) {});
}

void Uplinks::Impl::Link::record_error(const std::string& error)
{
    impl.set_state(*this, "waiting", error);
    auto partner_name = partner.name;
    auto charger = charger_id;
    auto now = impl.clock.now_utc();
    impl.writer.submit([partner_name, charger, error,
                        now](store::Database& w) { store::record_link_error(w, partner_name, charger, error, now); },
                       [](bool) {});
}

// Runs work on the writer thread and resumes once it has committed.
awaitable<bool> Uplinks::Impl::Link::commit(store::Writer::Work work)
{
    struct Wait {
        explicit Wait(asio::io_context& io) : timer(io) {}
        asio::steady_timer timer;
        std::optional<bool> ok;
    };
    auto wait = std::make_shared<Wait>(impl.io);
    wait->timer.expires_at(asio::steady_timer::time_point::max());
    impl.writer.submit(std::move(work), [wait, impl = impl.shared_from_this()](bool ok) {
        asio::post(impl->io, [wait, ok] {
            wait->ok = ok;
            wait->timer.cancel();
        });
    });
    while (!wait->ok && !impl.stopping) {
        boost::system::error_code ec;
        co_await wait->timer.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    co_return wait->ok.value_or(false);
}

awaitable<void> Uplinks::Impl::Link::run()
{
    auto self = shared_from_this();
    auto ex = co_await asio::this_coro::executor;
    auto backoff = impl.options.first_retry;
    while (!impl.stopping) {
        std::shared_ptr<Conn> conn;
        try {
            impl.set_state(*this, "connecting");
            tcp::resolver resolver(ex);
            // No temporaries with destructors inside a co_await (g++ 12 frees them twice).
            const std::string service = std::to_string(partner.endpoint.port);
            auto endpoints = co_await resolver.async_resolve(partner.endpoint.host, service, use_awaitable);
            if (partner.endpoint.tls) {
                auto c = std::make_shared<ConnT<TlsWs>>(ex, *impl.tls.at(partner.name));
                conn = c;
                current = conn;
                auto& tcp_layer = beast::get_lowest_layer(c->ws);
                tcp_layer.expires_after(10s);
                co_await tcp_layer.async_connect(endpoints, use_awaitable);
                auto& tls_stream = c->ws.next_layer();
                if (!SSL_set_tlsext_host_name(tls_stream.native_handle(), partner.endpoint.host.c_str())) {
                    throw std::runtime_error("cannot set the TLS server name");
                }
                tls_stream.set_verify_callback(ssl::host_name_verification(partner.endpoint.host));
                co_await tls_stream.async_handshake(ssl::stream_base::client, use_awaitable);
                co_await handshake(*c);
                asio::co_spawn(ex, read_loop(c), asio::detached);
                asio::co_spawn(ex, write_loop(c), asio::detached);
            } else {
                auto c = std::make_shared<ConnT<PlainWs>>(ex);
                conn = c;
                current = conn;
                auto& tcp_layer = beast::get_lowest_layer(c->ws);
                tcp_layer.expires_after(10s);
                co_await tcp_layer.async_connect(endpoints, use_awaitable);
                co_await handshake(*c);
                asio::co_spawn(ex, read_loop(c), asio::detached);
                asio::co_spawn(ex, write_loop(c), asio::detached);
            }
            impl.set_state(*this, "connected");
            spdlog::info("proxy: partner '{}' link for {} connected", partner.name, charger_id);
            backoff = impl.options.first_retry;
            co_await send_loop(conn);
        } catch (const std::exception& e) {
            if (conn) {
                conn->close_with(e.what());
            } else {
                record_error(e.what());
            }
        }
        if (conn && !conn->error.empty()) {
            record_error(conn->error);
        }
        if (conn) {
            conn->close_with("closed");
        }
        current.reset();
        if (impl.stopping) {
            break;
        }
        impl.set_state(*this, "waiting");
        // Jittered: a partner coming back is not hit by every link at once.
        std::uniform_int_distribution<long> jitter(backoff.count() / 2, backoff.count());
        retry_timer.expires_after(std::chrono::milliseconds(jitter(impl.random)));
        boost::system::error_code ec;
        co_await retry_timer.async_wait(asio::redirect_error(use_awaitable, ec));
        backoff = std::min(backoff * 2, impl.options.max_retry);
    }
}

template <class Ws> awaitable<void> Uplinks::Impl::Link::handshake(ConnT<Ws>& conn)
{
    auto& ws = conn.ws;
    beast::get_lowest_layer(ws).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = 30s;
    timeouts.idle_timeout = 60s;
    timeouts.keep_alive_pings = true;
    ws.set_option(timeouts);
    ws.read_message_max(impl.options.max_frame_bytes);
    std::string authorization;
    if (!partner.user.empty()) {
        authorization = "Basic " + base::base64_encode(partner.user + ":" + partner.password);
    }
    ws.set_option(websocket::stream_base::decorator([authorization](websocket::request_type& request) {
        request.set(http::field::sec_websocket_protocol, "ocpp1.6");
        request.set(http::field::user_agent, "csmsd-proxy");
        if (!authorization.empty()) {
            request.set(http::field::authorization, authorization);
        }
    }));
    websocket::response_type response;
    std::string host = partner.endpoint.host + ":" + std::to_string(partner.endpoint.port);
    const std::string target = partner.endpoint.target(charger_id);
    co_await ws.async_handshake(response, host, target, use_awaitable);
    if (response[http::field::sec_websocket_protocol] != "ocpp1.6") {
        throw std::runtime_error("the partner did not accept subprotocol ocpp1.6");
    }
    ws.text(true);
}

template <class Ws> awaitable<void> Uplinks::Impl::Link::read_loop(std::shared_ptr<ConnT<Ws>> conn)
{
    auto self = shared_from_this();
    try {
        while (!conn->closed) {
            beast::flat_buffer buffer;
            co_await conn->ws.async_read(buffer, use_awaitable);
            auto frame = parse_partner_frame(beast::buffers_to_string(buffer.data()));
            if (frame.kind == 2) {
                on_partner_call(conn, frame);
            } else if ((frame.kind == 3 || frame.kind == 4) && frame.unique_id == conn->pending_id) {
                conn->answer = std::move(frame);
                conn->answer_timer.cancel();
            } else if (frame.kind == 0) {
                spdlog::warn("proxy: partner '{}' sent {} on the link for {}", partner.name, frame.description,
                             charger_id);
            }
        }
    } catch (const std::exception& e) {
        conn->close_with(std::string("connection lost: ") + e.what());
    }
    wake_timer.cancel();
}

template <class Ws> awaitable<void> Uplinks::Impl::Link::write_loop(std::shared_ptr<ConnT<Ws>> conn)
{
    auto self = shared_from_this();
    try {
        while (!conn->closed) {
            if (conn->writes.empty()) {
                co_await wait_signal(conn->write_signal, 1h);
                continue;
            }
            std::string frame = std::move(conn->writes.front());
            conn->writes.pop_front();
            co_await conn->ws.async_write(asio::buffer(frame), use_awaitable);
        }
    } catch (const std::exception& e) {
        conn->close_with(std::string("write failed: ") + e.what());
    }
    wake_timer.cancel();
}

// The outbox, oldest first, one CALL at a time. A row is deleted only after
// the partner answered it, so a lost connection sends it again.
awaitable<void> Uplinks::Impl::Link::send_loop(std::shared_ptr<Conn> conn)
{
    auto& db = *impl.db;
    while (!conn->closed && !impl.stopping) {
        impl.check_buffer(*this);
        auto row = store::next_outbox(db, partner.name, charger_id);
        if (!row) {
            // The outbox wakes us after each commit; the limit only guards
            // against a lost wake-up.
            co_await wait_signal(wake_timer, 5s);
            continue;
        }
        std::string payload = row->payload;
        if (row->transaction_id && row->action != "StartTransaction") {
            if (auto theirs = store::partner_transaction_id(db, partner.name, *row->transaction_id)) {
                payload = with_transaction_id(payload, *theirs);
            }
        }
        conn->pending_id = "csms-" + std::to_string(next_id++);
        conn->answer.reset();
        conn->enqueue(call_frame(conn->pending_id, row->action, payload));
        const std::chrono::steady_clock::duration timeout = partner.call_timeout;
        co_await wait_signal(conn->answer_timer, timeout);
        if (conn->closed) {
            co_return; // sent again on the next connection
        }
        if (!conn->answer) {
            throw std::runtime_error("no answer to " + row->action + " within " +
                                     std::to_string(partner.call_timeout.count() / 1000) + " s");
        }
        auto answer = std::move(*conn->answer);
        conn->answer.reset();
        conn->pending_id.clear();
        std::optional<std::int64_t> theirs;
        if (answer.kind == 3 && row->action == "StartTransaction" && row->transaction_id) {
            theirs = transaction_id_in(answer.payload);
        }
        std::optional<std::string> error;
        if (answer.kind == 4) {
            error = row->action + " answered with " + answer.error_code + ": " + answer.description;
            spdlog::warn("proxy: partner '{}' for {}: {}", partner.name, charger_id, *error);
        }
        auto partner_name = partner.name;
        auto now = impl.clock.now_utc();
        store::Writer::Work work = [row = *row, partner_name, theirs, error, now](store::Database& w) {
            if (theirs) {
                store::map_partner_transaction(w, partner_name, *row.transaction_id, *theirs, row.charger_id, now);
            }
            if (error) {
                store::record_link_error(w, partner_name, row.charger_id, *error, now);
            }
            store::count_forwarded(w, partner_name, row.charger_id);
            store::delete_outbox(w, row.seq);
        };
        bool ok = co_await commit(std::move(work));
        if (!ok) {
            throw std::runtime_error("could not record the partner's answer");
        }
    }
}

void Uplinks::Impl::Link::refuse(const std::shared_ptr<Conn>& conn, const PartnerFrame& frame, std::string_view code,
                                 const std::string& reason)
{
    conn->enqueue(error_frame(frame.unique_id, code, reason));
    auto partner_name = partner.name;
    auto charger = charger_id;
    auto action = frame.action;
    auto now = impl.clock.now_utc();
    impl.writer.submit(
        [partner_name, charger, action, reason, now](store::Database& w) {
            store::record_refusal(w, partner_name, charger, action, reason, now);
        },
        [](bool) {});
}

void Uplinks::Impl::Link::on_partner_call(const std::shared_ptr<Conn>& conn, const PartnerFrame& frame)
{
    if (!accepts(partner, frame.action)) {
        refuse(conn, frame, "SecurityError", frame.action + " is not allowed for partner " + partner.name);
        return;
    }
    if (!rate.allow(charger_id, std::chrono::steady_clock::now())) {
        refuse(conn, frame, "OccurenceConstraintViolation",
               "rate limit: at most " + std::to_string(partner.rate_per_minute) + " calls per minute for partner " +
                   partner.name);
        return;
    }
    std::string payload = frame.payload;
    if (frame.action == "RemoteStopTransaction") {
        auto theirs = transaction_id_in(payload);
        auto ours = theirs ? store::our_transaction_id(*impl.db, partner.name, charger_id, *theirs) : std::nullopt;
        if (!ours) {
            refuse(conn, frame, "PropertyConstraintViolation",
                   "transactionId " + (theirs ? std::to_string(*theirs) : std::string("(missing)")) +
                       " is not a transaction of " + charger_id + " known to partner " + partner.name);
            return;
        }
        payload = with_transaction_id(payload, *ours);
    }
    rapidjson::Document doc;
    doc.Parse(payload.data(), payload.size());
    auto self = shared_from_this();
    auto owner = impl.shared_from_this();
    impl.commands.send(charger_id, frame.action, std::move(doc), [self, owner, conn, frame](ocpp::CallOutcome outcome) {
        // On the charger's strand: the answer goes out from the uplinks' thread.
        auto shared = std::make_shared<ocpp::CallOutcome>(std::move(outcome));
        asio::post(owner->io, [self, conn, frame, shared] { self->answer_partner(conn, frame, *shared); });
    });
}

void Uplinks::Impl::Link::answer_partner(const std::shared_ptr<Conn>& conn, const PartnerFrame& frame,
                                         const ocpp::CallOutcome& outcome)
{
    using Kind = ocpp::CallOutcome::Kind;
    switch (outcome.kind) {
    case Kind::result:
        conn->enqueue(result_frame(frame.unique_id, outcome.payload.IsObject() ? text_of(outcome.payload) : "{}"));
        return;
    case Kind::call_error:
        conn->enqueue(error_frame(frame.unique_id, outcome.error_code, outcome.error_description));
        return;
    case Kind::closed:
        refuse(conn, frame, "GenericError", "charger " + charger_id + " is not connected");
        return;
    case Kind::timeout:
        refuse(conn, frame, "GenericError", "charger " + charger_id + " did not answer in time");
        return;
    case Kind::invalid_request:
        refuse(conn, frame, "FormationViolation", "not a valid " + frame.action + ": " + outcome.error_description);
        return;
    case Kind::invalid_response:
        refuse(conn, frame, "InternalError", "charger " + charger_id + " gave an invalid answer");
        return;
    case Kind::queue_full:
        refuse(conn, frame, "GenericError", "charger " + charger_id + " has too many calls waiting");
        return;
    }
}

Uplinks::Uplinks(std::shared_ptr<const PartnerSet> partners, std::string db_path, store::Writer& writer,
                 CommandService& commands, const base::Clock& clock, Options options)
    : impl_(std::make_shared<Impl>(std::move(partners), std::move(db_path), writer, commands, clock, options))
{
}

Uplinks::~Uplinks()
{
    stop();
}

void Uplinks::start()
{
    auto& impl = *impl_;
    impl.db.emplace(impl.db_path, true);
    impl.work.emplace(impl.io.get_executor());
    asio::post(impl.io, [&impl] {
        for (const auto& link : store::outbox_links(*impl.db)) {
            if (const auto* partner = impl.partner_named(link.partner)) {
                impl.ensure_link(*partner, link.charger_id);
            }
        }
        for (const auto& partner : impl.partners->partners) {
            for (const auto& charger : partner.chargers) {
                impl.ensure_link(partner, charger);
            }
        }
    });
    impl.thread = std::thread([&impl] { impl.io.run(); });
}

void Uplinks::stop()
{
    auto& impl = *impl_;
    if (!impl.thread.joinable()) {
        return;
    }
    asio::post(impl.io, [&impl] {
        impl.stopping = true;
        for (auto& [key, link] : impl.links) {
            if (link->current) {
                link->current->close_with("csmsd is stopping");
            }
            link->wake_timer.cancel();
            link->retry_timer.cancel();
        }
    });
    impl.work.reset();
    // Coroutines still waiting for the writer end with the io_context.
    impl.writer.flush();
    impl.io.stop();
    impl.thread.join();
}

std::function<void(const std::string&)> Uplinks::waker() const
{
    std::weak_ptr<Impl> weak = impl_;
    return [weak](const std::string& charger_id) {
        if (auto impl = weak.lock()) {
            asio::post(impl->io, [impl, charger_id] {
                if (!impl->stopping && impl->db) {
                    impl->on_wake(charger_id);
                }
            });
        }
    };
}

std::vector<LinkState> Uplinks::states() const
{
    std::lock_guard lock(impl_->states_mutex);
    std::vector<LinkState> out;
    for (const auto& [key, state] : impl_->states) {
        out.push_back(state);
    }
    return out;
}

} // namespace csms::proxy
