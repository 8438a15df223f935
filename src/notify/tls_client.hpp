#pragma once
// How csmsd checks the servers it sends notifications to over TLS (webhooks,
// SMS gateways, SMTP relays): TLS 1.2 or later, the certificate chain
// verified against a CA file or the system's trust store, and the name it
// connected to (a DNS name, with SNI, or an IP address) checked against the
// certificate. A bad certificate fails the handshake; it is never accepted
// with a warning.
#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}
struct ssl_st;

namespace csms::notify {

// A client context that verifies its peers against ca_file (PEM), or the
// system's trust store when ca_file is empty; throws NetworkError when the
// CA file cannot be used.
std::shared_ptr<boost::asio::ssl::context> tls_client_context(const std::string& ca_file);

// "" or why ca_file cannot be used (OpenSSL's words), for the notifications
// file's checks.
std::string ca_file_problem(const std::string& ca_file);

// Before the handshake: the name the certificate must carry, and SNI for a
// DNS name. Throws NetworkError when OpenSSL refuses it.
void expect_peer_name(ssl_st* ssl, const std::string& host);

// After a failed handshake: a short reason (an untrusted certificate, one for
// another name) or the handshake's own error.
std::string handshake_failure(ssl_st* ssl, const std::string& error, const std::string& host);

} // namespace csms::notify
