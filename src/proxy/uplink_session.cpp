// A link's life: connect (ws or wss, our credentials for this partner),
// then send the outbox oldest first, one CALL at a time (what a charger
// waits for first), until the connection fails; then a jittered back-off
// and again.
#include "proxy/uplink_link.hpp"

#include "base/password_hash.hpp"
#include "net/ws_listener.hpp"
#include "ocpp/frame.hpp"
#include "proxy/uplink_errors.hpp"
#include "store/proxy_store.hpp"

#include <spdlog/spdlog.h>

namespace csms::proxy {

void Uplinks::Impl::Link::retire()
{
    retired = true;
    if (current) {
        current->close_with("the partner was changed or removed by a reload");
    }
    wake_timer.cancel();
    retry_timer.cancel();
    fail_urgent("the partner was changed or removed by a reload");
    forget_health();
    forget_counters();
}

void Uplinks::Impl::Link::record_error(const std::string& error)
{
    if (retired) {
        return; // a link that replaced it may already be using its row
    }
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
    while (!impl.stopping && !retired) {
        std::shared_ptr<Conn> conn;
        std::string failure = "closed";
        try {
            impl.set_state(*this, "connecting");
            tcp::resolver resolver(ex);
            // No temporaries with destructors inside a co_await (g++ 12 frees them twice).
            const std::string service = std::to_string(partner.endpoint.port);
            auto endpoints = co_await resolver.async_resolve(partner.endpoint.host, service, use_awaitable);
            if (retired) {
                // Retired while resolving, with no connection to close yet.
                throw std::runtime_error("the partner was changed or removed by a reload");
            }
            if (partner.endpoint.tls) {
                // Held by the link: a reload may replace impl.tls while this connection lives.
                tls_context = impl.tls->contexts.at(partner.name);
                auto c = std::make_shared<ConnT<TlsWs>>(ex, *tls_context);
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
                boost::system::error_code tls_ec;
                co_await tls_stream.async_handshake(ssl::stream_base::client,
                                                    asio::redirect_error(use_awaitable, tls_ec));
                if (tls_ec) {
                    throw std::runtime_error(
                        tls_failure_text(tls_ec, SSL_get_verify_result(tls_stream.native_handle())));
                }
                co_await handshake(*c);
                asio::co_spawn(ex, read_loop(c), log_if_failed("a partner link's reader"));
                asio::co_spawn(ex, write_loop(c), log_if_failed("a partner link's writer"));
            } else {
                auto c = std::make_shared<ConnT<PlainWs>>(ex);
                conn = c;
                current = conn;
                auto& tcp_layer = beast::get_lowest_layer(c->ws);
                tcp_layer.expires_after(10s);
                co_await tcp_layer.async_connect(endpoints, use_awaitable);
                co_await handshake(*c);
                asio::co_spawn(ex, read_loop(c), log_if_failed("a partner link's reader"));
                asio::co_spawn(ex, write_loop(c), log_if_failed("a partner link's writer"));
            }
            impl.set_state(*this, "connected");
            mark_up();
            backoff = impl.options.first_retry;
            co_await send_loop(conn);
        } catch (const std::exception& e) {
            // Boost's what() names its source files: operators get the reason.
            failure = link_failure_text(e);
            if (conn) {
                conn->close_with(failure);
            } else {
                record_error(failure);
            }
        }
        if (conn && !conn->error.empty() && !retired) {
            record_error(conn->error);
            failure = conn->error;
        }
        if (conn) {
            conn->close_with("closed");
        }
        current.reset();
        fail_urgent("link down: " + failure);
        if (impl.stopping || retired) {
            break;
        }
        mark_down(failure);
        impl.set_state(*this, "waiting");
        backing_off = true;
        // Jittered: a partner coming back is not hit by every link at once.
        std::uniform_int_distribution<long> jitter(backoff.count() / 2, backoff.count());
        retry_timer.expires_after(std::chrono::milliseconds(jitter(impl.random)));
        boost::system::error_code ec;
        co_await retry_timer.async_wait(asio::redirect_error(use_awaitable, ec));
        backing_off = false;
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
    ws.set_option(websocket::stream_base::decorator(
        [authorization, origin = impl.options.origin](websocket::request_type& request) {
            request.set(http::field::sec_websocket_protocol, "ocpp1.6");
            request.set(http::field::user_agent, "csmsd-proxy");
            if (!authorization.empty()) {
                request.set(http::field::authorization, authorization);
            }
            if (!origin.empty()) {
                request.set(net::origin_header, origin);
            }
        }));
    websocket::response_type response;
    std::string host = partner.endpoint.host + ":" + std::to_string(partner.endpoint.port);
    const std::string target = partner.endpoint.target(charger_id);
    boost::system::error_code ec;
    co_await ws.async_handshake(response, host, target, asio::redirect_error(use_awaitable, ec));
    if (ec && response.result_int() != 0) {
        // Say what the partner answered (401: our credentials; 508: the url
        // points back at this csmsd), not just that the upgrade failed.
        throw std::runtime_error("the partner refused the WebSocket upgrade: HTTP " +
                                 std::to_string(response.result_int()) + " " + std::string(response.reason()));
    }
    if (ec) {
        throw std::runtime_error("WebSocket upgrade failed: " + link_failure_text(ec));
    }
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
                spdlog::warn("proxy: partner '{}' sent a broken frame on the link for {}: {}", partner.name, charger_id,
                             frame.description);
            }
        }
    } catch (const std::exception& e) {
        conn->close_with("connection lost: " + link_failure_text(e));
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
        conn->close_with("write failed: " + link_failure_text(e));
    }
    wake_timer.cancel();
}

// The outbox, oldest first, one CALL at a time. A row is deleted only after
// the partner answered it, so a lost connection sends it again.
awaitable<void> Uplinks::Impl::Link::send_loop(std::shared_ptr<Conn> conn)
{
    auto& db = *impl.db;
    while (!conn->closed && !impl.stopping && !retired) {
        // A charger waits for these: they go before any backlog.
        if (!urgent.empty()) {
            auto call = std::move(urgent.front());
            urgent.pop_front();
            co_await send_urgent(conn, std::move(call));
            continue;
        }
        impl.check_buffer_if_needed(*this);
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
        conn->enqueue(ocpp::serialize_call_raw(conn->pending_id, row->action, payload));
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
        if (theirs) {
            // Until it is committed, a RemoteStop the partner sends at once
            // for this id still finds it.
            committing_ids[*theirs] = *row->transaction_id;
        }
        bool ok = co_await commit(std::move(work));
        if (theirs) {
            committing_ids.erase(*theirs);
        }
        if (!ok) {
            throw std::runtime_error("could not record the partner's answer");
        }
        count_forwarded();
        if (known_depth > 0 && --known_depth < partner.buffer_limit) {
            overflow_alerted = false; // drained below the limit: a new overflow alerts again
        }
    }
}

} // namespace csms::proxy
