#include "net/tls_context.hpp"

#include <boost/asio/ssl.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

namespace csms::net {
namespace {

namespace ssl = boost::asio::ssl;

// The whitepaper's TLS 1.2 suites; TLS 1.3 uses OpenSSL's AEAD defaults.
constexpr const char* tls12_ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                                      "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384";

void load(const char* what, const std::string& path, const std::function<void()>& step)
{
    try {
        step();
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error(std::string("TLS ") + what + " " + path + ": " + e.code().message());
    }
}

std::shared_ptr<ssl::context> build(const TlsFiles& files)
{
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                     ssl::context::single_dh_use);
    SSL_CTX* native = ctx->native_handle();
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    // With peer verification on, OpenSSL refuses to resume a TLS 1.2 session
    // unless the context has a session id context: a charger reconnecting
    // with a cached session would fail every time.
    static constexpr unsigned char session_context[] = "csmsd-wss";
    SSL_CTX_set_session_id_context(native, session_context, sizeof session_context - 1);
    if (SSL_CTX_set_cipher_list(native, tls12_ciphers) != 1) {
        throw std::runtime_error("TLS: the required cipher suites are not available");
    }
    load("certificate", files.certificate_chain, [&] { ctx->use_certificate_chain_file(files.certificate_chain); });
    load("private key", files.private_key, [&] { ctx->use_private_key_file(files.private_key, ssl::context::pem); });
    if (SSL_CTX_check_private_key(native) != 1) {
        throw std::runtime_error("TLS private key " + files.private_key + " does not match " + files.certificate_chain);
    }
    if (!files.client_ca.empty()) {
        load("client CA", files.client_ca, [&] { ctx->load_verify_file(files.client_ca); });
        if (!files.crl.empty()) {
            X509_STORE* store = SSL_CTX_get_cert_store(native);
            if (X509_STORE_load_file(store, files.crl.c_str()) != 1) {
                throw std::runtime_error("TLS CRL " + files.crl + ": cannot be loaded");
            }
            X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
        }
        // verify_peer without fail_if_no_peer_cert: a certificate is checked
        // when offered (a bad one fails the handshake), not demanded.
        ctx->set_verify_mode(ssl::verify_peer);
    }
    // With no intermediates in the certificate file, OpenSSL would build the
    // chain it sends from the CA store on every handshake, verifying a
    // signature each time. Built once here it is the same chain (leaf's
    // issuers up to the root); when it cannot be built, OpenSSL keeps doing
    // it per handshake as before.
    STACK_OF(X509)* chain = nullptr;
    if (SSL_CTX_get0_chain_certs(native, &chain) == 1 && sk_X509_num(chain) <= 0 &&
        SSL_CTX_build_cert_chain(native, 0) != 1) {
        ERR_clear_error();
    }
    // One TLS 1.3 session ticket instead of two: a charger resumes with one,
    // and each costs an encryption and a record in every handshake.
    SSL_CTX_set_num_tickets(native, 1);
    return ctx;
}

} // namespace

TlsContext::TlsContext(TlsFiles files) : files_(std::move(files)), context_(build(files_)) {}

std::shared_ptr<ssl::context> TlsContext::current() const
{
    std::lock_guard lock(mutex_);
    return context_;
}

void TlsContext::reload()
{
    try {
        auto fresh = build(files_);
        std::lock_guard lock(mutex_);
        context_ = std::move(fresh);
        spdlog::info("TLS certificate reloaded from {}", files_.certificate_chain);
    } catch (const std::exception& e) {
        spdlog::error("TLS reload failed, keeping the current certificate: {}", e.what());
    }
}

} // namespace csms::net
