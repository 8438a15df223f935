#include "net/http_upgrade.hpp"

#include "net/charger_path.hpp"

#include <boost/algorithm/string/classification.hpp>
#include <boost/algorithm/string/split.hpp>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

namespace csms::net {
namespace {

constexpr std::uint32_t max_header_bytes = 8 * 1024;

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

template <class Stream> Stream make_stream(tcp::socket&& socket, const std::shared_ptr<ssl::context>& tls)
{
    if constexpr (is_tls<Stream>) {
        return Stream(beast::tcp_stream(std::move(socket)), *tls);
    } else {
        return Stream(std::move(socket));
    }
}

} // namespace

template <class Stream>
HttpUpgrade<Stream>::HttpUpgrade(tcp::socket&& socket, std::shared_ptr<ListenerContext> context)
    : context_(std::move(context)), tls_context_(context_->tls ? context_->tls->current() : nullptr),
      stream_(make_stream<Stream>(std::move(socket), tls_context_))
{
}

template <class Stream> void HttpUpgrade<Stream>::run()
{
    beast::error_code ignored;
    identity_.remote_address = beast::get_lowest_layer(stream_).socket().remote_endpoint(ignored).address().to_string();
    identity_.tls = is_tls<Stream>;
    beast::get_lowest_layer(stream_).expires_after(context_->options.handshake_timeout);
    if constexpr (is_tls<Stream>) {
        stream_.async_handshake(ssl::stream_base::server, [self = shared_from_this()](beast::error_code ec) {
            if (ec) {
                // Wrong CA, expired or revoked client certificate, TLS 1.1,
                // a plain-HTTP client on the wss port: refused by TLS itself.
                self->context_->tls_handshake_failures.inc();
                spdlog::info("TLS handshake from {} failed: {}", self->identity_.remote_address, ec.message());
                return self->close_socket();
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
    auto charger_id = charger_id_from_target(request.target(), context_->options.path_prefix);
    if (!charger_id) {
        return refuse(http::status::not_found,
                      "expected " + context_->options.path_prefix + "{chargePointId}: 1-64 printable characters\n");
    }
    if (!offers_subprotocol(request[http::field::sec_websocket_protocol], context_->options.subprotocol)) {
        return refuse(http::status::bad_request,
                      "Sec-WebSocket-Protocol must offer " + context_->options.subprotocol + "\n");
    }
    identity_.charger_id = *charger_id;
    identity_.authorization = std::string(request[http::field::authorization]);
    if (!context_->authorizer) {
        return on_verdict(UpgradeVerdict::accept);
    }
    // The verdict may come from another thread: come back to this strand.
    context_->authorizer(identity_, [self = shared_from_this()](UpgradeVerdict verdict) {
        asio::post(self->stream_.get_executor(), [self, verdict] { self->on_verdict(verdict); });
    });
}

template <class Stream> void HttpUpgrade<Stream>::on_verdict(UpgradeVerdict verdict)
{
    if (verdict != UpgradeVerdict::accept) {
        context_->unauthorized.inc();
        return refuse(http::status::unauthorized, "unauthorized\n");
    }
    beast::get_lowest_layer(stream_).expires_never();
    PeerIdentity peer{identity_.charger_id, identity_.remote_address, identity_.tls};
    std::make_shared<WsSession<Stream>>(std::move(stream_), std::move(peer), context_, tls_context_)
        ->run(parser_->release());
}

template <class Stream> void HttpUpgrade<Stream>::refuse(http::status status, std::string body)
{
    context_->refused.inc();
    refusal_ = http::response<http::string_body>{status, 11};
    refusal_.set(http::field::server, "csmsd/" CSMS_VERSION);
    refusal_.set(http::field::content_type, "text/plain");
    if (status == http::status::unauthorized) {
        refusal_.set(http::field::www_authenticate, "Basic realm=\"OCPP\"");
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
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream_).socket().close(ignored);
}

template class HttpUpgrade<PlainStream>;
template class HttpUpgrade<TlsStream>;

} // namespace csms::net
