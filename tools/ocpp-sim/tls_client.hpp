#pragma once
// The TLS half of a wss:// charger. Only .cpp files include this header, so
// main.cpp compiles without OpenSSL or Beast's SSL headers.
#include "charger.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace csms::sim {

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

class TlsClient {
public:
    // cert_per_charger: the certificate patterns hold "{id}", so each
    // connection loads its own; otherwise the context already carries it.
    TlsClient(boost::asio::ssl::context context, TlsSettings settings, bool cert_per_charger);

    boost::asio::ssl::context& context() { return context_; }

    // Before one connection's handshake: SNI (host names only; RFC 6066 has
    // none for IP literals), the host name check, and the charger's own
    // client certificate. Returns the failure reason, "tls: ...".
    std::optional<std::string> prepare(TlsStream& stream, std::string_view charger_id) const;

private:
    boost::asio::ssl::context context_;
    TlsSettings settings_;
    bool cert_per_charger_;
    bool host_is_address_;
};

// --tls-resume: the session of one charger's previous connection (TLS 1.2
// session id or TLS 1.3 ticket), offered on its next handshake.
//
// The session is taken when OpenSSL announces it (the context's new-session
// callback, set up by make_tls_client with resume), and copied: a TLS 1.3
// ticket arrives after the handshake, and a connection that then ends
// badly (a 503 followed by an EOF without close_notify) marks its own
// session object not resumable, which would spoil exactly the retries a
// storm is about.
class TlsSession {
public:
    TlsSession() = default;
    ~TlsSession();
    TlsSession(const TlsSession&) = delete;
    TlsSession& operator=(const TlsSession&) = delete;

    // Before the handshake: offers the kept session, if any, and makes this
    // object the one that receives the connection's new sessions.
    void offer(TlsStream& stream);
    // Called from the new-session callback; takes ownership.
    void keep(SSL_SESSION* session);

private:
    SSL_SESSION* session_ = nullptr;
};

// "tls: <error>", plus the certificate verification result when that failed.
std::string tls_failure(TlsStream& stream, const boost::beast::error_code& ec);

// True for errors of the TLS layer (alerts, verification, truncation).
bool is_tls_error(const boost::beast::error_code& ec);

} // namespace csms::sim
