#include "proxy/uplink_errors.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/websocket/error.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cctype>
#include <system_error>

namespace csms::proxy {
namespace {

namespace asio_error = boost::asio::error;

// "Operation canceled" reads as "operation canceled" after a colon; an
// acronym ("TLS ...") keeps its case.
std::string sentence_part(std::string text)
{
    if (text.size() > 1 && std::isupper(static_cast<unsigned char>(text[0])) != 0 &&
        std::islower(static_cast<unsigned char>(text[1])) != 0) {
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    }
    return text;
}

} // namespace

std::string link_failure_text(const boost::system::error_code& ec)
{
    if (ec == asio_error::connection_refused) {
        return "connection refused";
    }
    if (ec == asio_error::host_not_found || ec == asio_error::host_not_found_try_again || ec == asio_error::no_data) {
        return "host not found";
    }
    if (ec == asio_error::timed_out || ec == boost::beast::error::timeout) {
        return "timed out";
    }
    if (ec == asio_error::connection_reset) {
        return "connection reset by the partner";
    }
    if (ec == asio_error::eof || ec == asio_error::broken_pipe || ec == boost::asio::ssl::error::stream_truncated) {
        return "the partner closed the connection";
    }
    if (ec == boost::beast::websocket::error::closed) {
        return "the partner closed the WebSocket";
    }
    if (ec == asio_error::network_unreachable) {
        return "network unreachable";
    }
    if (ec == asio_error::host_unreachable) {
        return "host unreachable";
    }
    if (ec.category() == boost::asio::error::get_ssl_category()) {
        // OpenSSL's reason alone; the category's message adds its library.
        // Its strings come with the first SSL_CTX; a no-op once loaded.
        OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS, nullptr);
        if (const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()))) {
            return reason;
        }
    }
    return sentence_part(ec.message());
}

std::string link_failure_text(const std::exception& e)
{
    if (const auto* system = dynamic_cast<const boost::system::system_error*>(&e)) {
        return link_failure_text(system->code());
    }
    if (const auto* system = dynamic_cast<const std::system_error*>(&e)) {
        return sentence_part(system->code().message());
    }
    return e.what();
}

std::string tls_failure_text(const boost::system::error_code& ec, long verify_result)
{
    std::string text = "TLS handshake failed: ";
    text += link_failure_text(ec);
    // Unspecified: the host name check, whose failure OpenSSL does not name.
    if (verify_result != X509_V_OK && verify_result != X509_V_ERR_UNSPECIFIED) {
        text += " (";
        text += X509_verify_cert_error_string(verify_result);
        text += ')';
    }
    return text;
}

} // namespace csms::proxy
