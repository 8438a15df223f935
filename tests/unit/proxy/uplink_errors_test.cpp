// What an operator reads when a partner link fails: one short reason, never
// Boost's category, value and source location.
#include "proxy/uplink_errors.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <catch2/catch.hpp>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

using csms::proxy::link_failure_text;
using csms::proxy::tls_failure_text;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

bool has_location(const std::string& text)
{
    return text.find('[') != std::string::npos || text.find("/usr/include") != std::string::npos ||
           text.find("boost") != std::string::npos;
}

} // namespace

TEST_CASE("A link failure is one short reason without Boost's source location")
{
    CHECK(link_failure_text(asio::error::connection_refused) == "connection refused");
    CHECK(link_failure_text(asio::error::host_not_found) == "host not found");
    CHECK(link_failure_text(asio::error::host_not_found_try_again) == "host not found");
    CHECK(link_failure_text(boost::beast::error::timeout) == "timed out");
    CHECK(link_failure_text(asio::error::eof) == "the partner closed the connection");
    CHECK(link_failure_text(asio::error::connection_reset) == "connection reset by the partner");
    CHECK(link_failure_text(asio::error::operation_aborted) == "operation canceled");

    // Thrown with a location, as Boost 1.81 records one, and still short.
    boost::system::error_code located;
    static constexpr boost::source_location here = BOOST_CURRENT_LOCATION;
    located.assign(asio::error::connection_refused, boost::system::system_category(), &here);
    const boost::system::system_error thrown(located);
    CHECK(std::string(thrown.what()).find("[") != std::string::npos); // what the log and show used to say
    CHECK(link_failure_text(thrown) == "connection refused");
    CHECK(link_failure_text(std::runtime_error("no answer to Heartbeat within 30 s")) ==
          "no answer to Heartbeat within 30 s");
}

TEST_CASE("A refused connection to a closed port reads connection refused")
{
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto closed = acceptor.local_endpoint();
    acceptor.close();
    tcp::socket socket(io);
    boost::system::error_code ec;
    socket.connect(closed, ec);
    REQUIRE(ec);
    CHECK(link_failure_text(ec) == "connection refused");
    try {
        tcp::socket again(io);
        again.connect(closed);
        FAIL("connected to a closed port");
    } catch (const boost::system::system_error& e) {
        CHECK(link_failure_text(e) == "connection refused");
        CHECK_FALSE(has_location(link_failure_text(e)));
    }
}

TEST_CASE("A failed TLS handshake names OpenSSL's reason and the certificate check")
{
    // ERR_PACK(ERR_LIB_SSL, 0, SSL_R_CERTIFICATE_VERIFY_FAILED), as asio reports it.
    const boost::system::error_code verify(static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_CERTIFICATE_VERIFY_FAILED)),
                                           asio::error::get_ssl_category());
    CHECK(tls_failure_text(verify, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY) ==
          "TLS handshake failed: certificate verify failed (unable to get local issuer certificate)");
    CHECK(tls_failure_text(verify, X509_V_OK) == "TLS handshake failed: certificate verify failed");
    CHECK(tls_failure_text(asio::ssl::error::stream_truncated, X509_V_OK) ==
          "TLS handshake failed: the partner closed the connection");
}
