#pragma once
// The wss listener's TLS settings, as the OCPP 1.6 security whitepaper asks:
// TLS 1.2 and 1.3 only, ECDHE key exchange with AES-GCM, RSA or ECDSA server
// keys, no renegotiation, no compression. A client certificate is verified
// against the CA (and CRL) when the charger offers one, never demanded:
// profile 2 chargers authenticate with a password instead.
//
// reload() re-reads the files (SIGHUP) into a fresh context. Handshakes
// that start afterwards use it; sessions keep the context they began with.
// Thread-safe.
#include <memory>
#include <mutex>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace csms::net {

struct TlsFiles {
    std::string certificate_chain; // PEM: the server certificate, then intermediates
    std::string private_key;       // PEM
    std::string client_ca;         // PEM bundle for client certificates; "" = none accepted
    std::string crl;               // PEM CRL of that CA; "" = none
};

class TlsContext {
public:
    // Throws std::runtime_error naming the file that cannot be used.
    explicit TlsContext(TlsFiles files);
    std::shared_ptr<boost::asio::ssl::context> current() const;
    // Keeps the old context (and says why) when the new files are unusable.
    void reload();

private:
    TlsFiles files_;
    mutable std::mutex mutex_;
    std::shared_ptr<boost::asio::ssl::context> context_;
};

} // namespace csms::net
