#include "net/http_upgrade.hpp"

#include "net/charger_path.hpp"

#include <boost/algorithm/string/classification.hpp>
#include <boost/algorithm/string/split.hpp>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

namespace csms::net {
namespace {

constexpr std::uint32_t max_header_bytes = 8 * 1024;
// How long a failed TLS handshake's alert is given to reach the peer.
constexpr std::chrono::seconds failed_handshake_linger{2};

bool offers_subprotocol(std::string_view header, std::string_view wanted)
{
    std::vector<std::string> tokens;
    boost::split(tokens, header, boost::is_any_of(","));
    for (auto& token : tokens) {
        auto begin = token.find_first_not_of(" \t");
        auto end = token.find_last_not_of(" \t");
        if (begin != std::string::npos && std::string_view(token).substr(begin, end - begin + 1) == wanted) {
            return true;
        }
    }
    return false;
}

// The subject CN of a client certificate that passed verification.
std::optional<std::string> verified_peer_cn(SSL* ssl)
{
    if (SSL_get_verify_result(ssl) != X509_V_OK) {
        return std::nullopt;
    }
    std::unique_ptr<X509, decltype(&X509_free)> cert(SSL_get1_peer_certificate(ssl), &X509_free);
    if (!cert) {
        return std::nullopt;
    }
    X509_NAME* subject = X509_get_subject_name(cert.get());
    int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (index < 0) {
        return std::nullopt;
    }
    unsigned char* utf8 = nullptr;
    int length = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index)));
    if (length < 0) {
        return std::nullopt;
    }
    std::string cn(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(length));
    OPENSSL_free(utf8);
    return cn;
}

// A storm of refusals logs one line per 10 s, not one per charger.
bool should_warn_at_limit()
{
    static std::atomic<std::int64_t> last{-1};
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
    std::int64_t previous = last.load();
    return (previous < 0 || now - previous >= 10) && last.compare_exchange_strong(previous, now);
}

template <class Stream> Stream make_stream(tcp::socket&& socket, const std::shared_ptr<TlsContext>& tls)
{
    if constexpr (is_tls<Stream>) {
        return Stream(std::move(socket), tls->current());
    } else {
        return Stream(std::move(socket));
    }
}

} // namespace

template <class Stream>
HttpUpgrade<Stream>::HttpUpgrade(tcp::socket&& socket, std::shared_ptr<ListenerContext> context,
                                 UpgradeGate::Ticket ticket)
    : context_(std::move(context)), stream_(make_stream<Stream>(std::move(socket), context_->tls)),
      deadline_(socket_of(stream_).get_executor()), ticket_(std::move(ticket))
{
}

template <class Stream>
void HttpUpgrade<Stream>::arm_deadline(std::chrono::steady_clock::duration after, bool gate_only)
{
    deadline_.expires_after(after);
    deadline_.async_wait([self = shared_from_this(), gate_only](beast::error_code ec) {
        if (ec || self->finished_) {
            return;
        }
        if (gate_only) {
            // A far-away or stalling peer: the rest of its upgrade no longer
            // holds back the connections waiting at the gate.
            self->ticket_ = {};
            return self->arm_deadline(
                self->context_->options.handshake_timeout - self->context_->options.upgrade_gate_hold, false);
        }
        self->timed_out_ = true;
        self->close_socket(); // the pending handshake or read ends with operation_aborted
    });
}

template <class Stream> void HttpUpgrade<Stream>::run()
{
    beast::error_code ignored;
    identity_.remote_address = socket_of(stream_).remote_endpoint(ignored).address().to_string();
    identity_.tls = is_tls<Stream>;
    const auto& options = context_->options;
    if (options.handshake_timeout > options.upgrade_gate_hold) {
        arm_deadline(options.upgrade_gate_hold, true);
    } else {
        arm_deadline(options.handshake_timeout, false);
    }
    if constexpr (is_tls<Stream>) {
        stream_.async_handshake([self = shared_from_this()](beast::error_code ec) {
            if (ec) {
                // Wrong CA, expired or revoked client certificate, TLS 1.1,
                // a plain-HTTP client on the wss port: refused by TLS itself.
                self->context_->tls_handshake_failures->inc();
                self->ticket_ = {};
                if (self->timed_out_) {
                    spdlog::info("TLS handshake from {} failed: no handshake within {} s",
                                 self->identity_.remote_address, self->context_->options.handshake_timeout.count());
                } else {
                    spdlog::info("TLS handshake from {} failed: {}", self->identity_.remote_address, ec.message());
                }
                // The alert is out, but a TLS 1.3 client may already have
                // sent its upgrade request: closing with that unread would
                // reset the connection, and the reset can destroy the alert
                // before the charger reads it. FIN after the alert, discard
                // what comes until the charger closes, for a short while
                // only: a peer that never closes must not keep the descriptor.
                self->arm_deadline(failed_handshake_linger, false);
                return self->stream_.async_teardown([self](beast::error_code) { self->close_socket(); });
            }
            self->identity_.client_certificate_cn = verified_peer_cn(self->stream_.native_handle());
            self->read_request();
        });
    } else {
        read_request();
    }
}

template <class Stream> void HttpUpgrade<Stream>::read_request()
{
    parser_.emplace();
    parser_->header_limit(max_header_bytes);
    parser_->body_limit(0);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpUpgrade<Stream>::on_read, shared_from_this()));
}

template <class Stream> void HttpUpgrade<Stream>::on_read(beast::error_code ec, std::size_t)
{
    if (ec) {
        if (ec == http::error::header_limit || ec == http::error::body_limit) {
            return refuse(http::status::request_header_fields_too_large, "request too large\n");
        }
        return close_socket();
    }
    auto& request = parser_->get();
    if (!websocket::is_upgrade(request)) {
        return refuse(http::status::upgrade_required, "OCPP chargers connect with a WebSocket upgrade\n");
    }
    if (const auto& own = context_->options.own_origin; !own.empty() && request[origin_header] == own) {
        spdlog::error("a partner link of this csmsd reached this csmsd itself at {}: check the partners file's url",
                      std::string(request.target()));
        return refuse(http::status::loop_detected, "this link comes from this very csmsd\n");
    }
    auto charger_id = charger_id_from_target(request.target(), context_->options.path_prefix);
    if (!charger_id) {
        return refuse(http::status::not_found,
                      "expected " + context_->options.path_prefix + "{chargePointId}: 1-64 printable characters\n");
    }
    if (!offers_subprotocol(request[http::field::sec_websocket_protocol], context_->options.subprotocol)) {
        return refuse(http::status::bad_request,
                      "Sec-WebSocket-Protocol must offer " + context_->options.subprotocol + "\n");
    }
    slot_ = ConnectionSlot::try_take(*context_->options.connections, context_->options.max_connections);
    if (!slot_) {
        // Answered while there is still a descriptor to answer with: the
        // charger retries later instead of finding the port dead.
        context_->refused_at_limit.inc();
        if (should_warn_at_limit()) {
            spdlog::warn("max_connections ({}) reached: refusing chargers with 503 (csms_connections_refused_total)",
                         context_->options.max_connections);
        }
        return refuse(http::status::service_unavailable, "too many connections, retry later\n", 10);
    }
    identity_.charger_id = *charger_id;
    identity_.authorization = std::string(request[http::field::authorization]);
    if (!context_->authorizer) {
        return on_verdict(UpgradeVerdict::accept);
    }
    // The verdict may come from another thread: come back to this strand.
    context_->authorizer(identity_, [self = shared_from_this()](UpgradeVerdict verdict) {
        asio::post(socket_of(self->stream_).get_executor(), [self, verdict] { self->on_verdict(verdict); });
    });
}

template <class Stream> void HttpUpgrade<Stream>::on_verdict(UpgradeVerdict verdict)
{
    if (timed_out_) {
        return; // the socket is closed already
    }
    if (verdict == UpgradeVerdict::unavailable) {
        // Like the answer at max_connections: the charger comes back later.
        return refuse(http::status::service_unavailable, "busy, retry later\n", 10);
    }
    if (verdict != UpgradeVerdict::accept) {
        context_->unauthorized.inc();
        return refuse(http::status::unauthorized, "unauthorized\n");
    }
    finished_ = true;
    deadline_.cancel();
    ticket_ = {};
    PeerIdentity peer{identity_.charger_id, identity_.remote_address, identity_.tls};
    auto request = parser_->release();
    // Nothing of the upgrade outlives the handover: this object goes when
    // the cancelled deadline's handler lets go of it.
    parser_.reset();
    buffer_ = beast::flat_buffer{};
    std::make_shared<WsSession<Stream>>(std::move(stream_), std::move(peer), context_, std::move(slot_))
        ->run(std::move(request));
}

template <class Stream> void HttpUpgrade<Stream>::refuse(http::status status, std::string body, unsigned retry_after)
{
    context_->refused.inc();
    ticket_ = {};
    refusal_ = http::response<http::string_body>{status, 11};
    refusal_.set(http::field::server, "csmsd/" CSMS_VERSION);
    refusal_.set(http::field::content_type, "text/plain");
    if (status == http::status::unauthorized) {
        refusal_.set(http::field::www_authenticate, "Basic realm=\"OCPP\"");
    }
    if (retry_after != 0) {
        refusal_.set(http::field::retry_after, std::to_string(retry_after));
    }
    refusal_.keep_alive(false);
    refusal_.body() = std::move(body);
    refusal_.prepare_payload();
    http::async_write(stream_, refusal_,
                      [self = shared_from_this()](beast::error_code, std::size_t) { self->close_socket(); });
}

template <class Stream> void HttpUpgrade<Stream>::close_socket()
{
    beast::error_code ignored;
    auto& socket = socket_of(stream_);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    finished_ = true;
    deadline_.cancel();
    ticket_ = {};
}

template class HttpUpgrade<PlainStream>;
template class HttpUpgrade<TlsStream>;

} // namespace csms::net
