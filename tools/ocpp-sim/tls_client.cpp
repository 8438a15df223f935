#include "tls_client.hpp"

#include "options.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/verify_context.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <system_error>

namespace csms::sim {
namespace {

namespace ssl = boost::asio::ssl;
using boost::beast::error_code;

constexpr std::string_view id_placeholder = "{id}";

// The first queued OpenSSL error (the cause; later ones are its
// consequences) as one line; empties the thread's queue so it cannot be
// mistaken for the cause of a later failure.
std::string openssl_error()
{
    const unsigned long code = ERR_peek_error();
    std::string out = "unknown OpenSSL error";
    if (code != 0 && ERR_SYSTEM_ERROR(code)) {
        out = std::generic_category().message(ERR_GET_REASON(code));
    } else if (const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr) {
        out = reason;
    }
    ERR_clear_error();
    return out;
}

std::string with_message(std::string what, const error_code& ec)
{
    return what + ": " + ec.message();
}

// Where an SSL object of a --tls-resume connection points to its TlsSession.
int session_index()
{
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

// OpenSSL's new-session callback: runs inside the charger's own SSL calls,
// on its strand. Returning 0 leaves the original to OpenSSL; we keep a copy.
extern "C" int on_new_session(SSL* ssl, SSL_SESSION* session)
{
    if (auto* keeper = static_cast<TlsSession*>(SSL_get_ex_data(ssl, session_index()))) {
        if (SSL_SESSION* copy = SSL_SESSION_dup(session)) {
            keeper->keep(copy);
        }
    }
    return 0;
}

} // namespace

std::variant<std::shared_ptr<TlsClient>, std::string> make_tls_client(const TlsSettings& settings)
{
    ssl::context context(ssl::context::tls_client);
    // TLS 1.2 and 1.3 only, as the OCPP 1.6 security whitepaper asks.
    context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                        SSL_OP_NO_RENEGOTIATION);
    if (SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION) != 1) {
        return "cannot require TLS 1.2: " + openssl_error();
    }
    error_code ec;
    context.load_verify_file(settings.ca_file, ec);
    if (ec) {
        return with_message("--ca-file " + settings.ca_file, ec);
    }
    context.set_verify_mode(ssl::verify_peer, ec);
    if (ec) {
        return with_message("verify mode", ec);
    }

    if (settings.resume) {
        // The client cache only triggers the callback; the sessions live in
        // each charger's TlsSession, not in the context.
        SSL_CTX_set_session_cache_mode(context.native_handle(),
                                       SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
        SSL_CTX_sess_set_new_cb(context.native_handle(), on_new_session);
        session_index(); // allocated before any fork
    }

    const bool per_charger = settings.client_cert_pattern.find(id_placeholder) != std::string::npos ||
                             settings.client_key_pattern.find(id_placeholder) != std::string::npos;
    if (!settings.client_cert_pattern.empty() && !per_charger) {
        context.use_certificate_chain_file(settings.client_cert_pattern, ec);
        if (ec) {
            return with_message("--client-cert " + settings.client_cert_pattern, ec);
        }
        context.use_private_key_file(settings.client_key_pattern, ssl::context::pem, ec);
        if (ec) {
            return with_message("--client-key " + settings.client_key_pattern, ec);
        }
        if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
            return "--client-key does not match --client-cert: " + openssl_error();
        }
    }
    return std::make_shared<TlsClient>(std::move(context), settings, per_charger);
}

TlsClient::TlsClient(ssl::context context, TlsSettings settings, bool cert_per_charger)
    : context_(std::move(context)), settings_(std::move(settings)), cert_per_charger_(cert_per_charger)
{
    error_code ec;
    boost::asio::ip::make_address(settings_.host, ec);
    host_is_address_ = !ec;
}

std::optional<std::string> TlsClient::prepare(TlsStream& stream, std::string_view charger_id) const
{
    SSL* handle = stream.native_handle();
    if (!host_is_address_ && SSL_set_tlsext_host_name(handle, settings_.host.c_str()) != 1) {
        return "tls: cannot set SNI: " + openssl_error();
    }
    // host_name_verification only says no; naming the reason lets
    // tls_failure() report "hostname mismatch" instead of a bare failure.
    stream.set_verify_callback(
        [check = ssl::host_name_verification(settings_.host)](bool preverified, ssl::verify_context& verify) {
            const bool ok = check(preverified, verify);
            if (preverified && !ok) {
                X509_STORE_CTX_set_error(verify.native_handle(), X509_V_ERR_HOSTNAME_MISMATCH);
            }
            return ok;
        });
    if (cert_per_charger_) {
        const std::string cert = expand_pattern(settings_.client_cert_pattern, charger_id);
        const std::string key = expand_pattern(settings_.client_key_pattern, charger_id);
        if (SSL_use_certificate_chain_file(handle, cert.c_str()) != 1) {
            return "tls: client certificate " + cert + ": " + openssl_error();
        }
        if (SSL_use_PrivateKey_file(handle, key.c_str(), SSL_FILETYPE_PEM) != 1) {
            return "tls: client key " + key + ": " + openssl_error();
        }
        if (SSL_check_private_key(handle) != 1) {
            return "tls: client key " + key + " does not match " + cert;
        }
    }
    return std::nullopt;
}

TlsSession::~TlsSession()
{
    SSL_SESSION_free(session_);
}

void TlsSession::offer(TlsStream& stream)
{
    SSL_set_ex_data(stream.native_handle(), session_index(), this);
    if (session_ != nullptr) {
        // A session the server no longer knows just means a full handshake.
        SSL_set_session(stream.native_handle(), session_);
    }
}

void TlsSession::keep(SSL_SESSION* session)
{
    SSL_SESSION_free(session_);
    session_ = session;
}

std::string tls_failure(TlsStream& stream, const error_code& ec)
{
    std::string out = "tls: " + ec.message();
    const long verify = SSL_get_verify_result(stream.native_handle());
    if (verify != X509_V_OK) {
        out += ": ";
        out += X509_verify_cert_error_string(verify);
    }
    return out;
}

bool is_tls_error(const error_code& ec)
{
    return ec.category() == boost::asio::error::get_ssl_category() ||
           ec.category() == ssl::error::get_stream_category();
}

} // namespace csms::sim
