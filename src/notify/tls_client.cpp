#include "notify/tls_client.hpp"

#include "base/concat.hpp"
#include "notify/tcp_connection.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace csms::notify {

namespace ssl = boost::asio::ssl;

namespace {

// The trust anchors: ca_file, or the system's store. "" or why not.
std::string load_trust(ssl::context& ctx, const std::string& ca_file)
{
    boost::system::error_code ec;
    if (ca_file.empty()) {
        ctx.set_default_verify_paths(ec);
    } else {
        ctx.load_verify_file(ca_file, ec);
    }
    return ec ? ec.message() : std::string();
}

} // namespace

std::shared_ptr<ssl::context> tls_client_context(const std::string& ca_file)
{
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    ctx->set_verify_mode(ssl::verify_peer);
    if (auto problem = load_trust(*ctx, ca_file); !problem.empty()) {
        throw NetworkError(ca_file.empty() ? base::concat("TLS: the system's trust store cannot be used: ", problem)
                                           : base::concat("TLS: CA file ", ca_file, " cannot be used: ", problem));
    }
    return ctx;
}

std::string ca_file_problem(const std::string& ca_file)
{
    ssl::context ctx(ssl::context::tls_client);
    return load_trust(ctx, ca_file);
}

void expect_peer_name(ssl_st* ssl, const std::string& host)
{
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    boost::system::error_code not_an_address;
    boost::asio::ip::make_address(host, not_an_address);
    // An address is checked against the certificate's IP entries; SNI carries
    // names only (RFC 6066).
    bool ok = !not_an_address ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1
                              : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) == 1 &&
                                    SSL_set_tlsext_host_name(ssl, host.c_str()) == 1;
    if (!ok) {
        throw NetworkError(base::concat("TLS: cannot check the certificate for the name ", host));
    }
}

std::string handshake_failure(ssl_st* ssl, const std::string& error, const std::string& host)
{
    long result = SSL_get_verify_result(ssl);
    if (result == X509_V_ERR_HOSTNAME_MISMATCH || result == X509_V_ERR_IP_ADDRESS_MISMATCH) {
        return base::concat("TLS: the server's certificate is not for ", host);
    }
    if (result != X509_V_OK) {
        return base::concat("TLS: the server's certificate is not trusted (", X509_verify_cert_error_string(result),
                            ")");
    }
    return base::concat("TLS handshake: ", error);
}

} // namespace csms::notify
