#pragma once
// Issues charger client certificates from a local CA for SignCertificate
// (OCPP 1.6 Security Whitepaper, use case A02/A03 on the CSMS side).
//
// A CSR is acceptable when it parses as one PEM certificate request, its
// self-signature verifies, its subject CN is exactly the charge point id,
// and its key is RSA of at least 2048 bits or EC of at least 256 bits. The
// certificate issued is X.509 v3 with a random 128-bit serial, valid from now
// (system time: a certificate is judged by real clocks) for `validity`, with
// subject CN (and O, if the CSR has one) from the CSR, issuer the CA's
// subject, CA:FALSE, keyUsage digitalSignature plus keyEncipherment (RSA) or
// keyAgreement (EC), extendedKeyUsage clientAuth, signed with SHA-256.
//
// Thread-safety: construction loads the CA once; sign() and check_csr() are
// const and may run on any number of threads at once. OpenSSL headers stay
// out of this header.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace csms {

class CertificateSigner {
public:
    // Throws std::runtime_error naming the file if the CA certificate or key
    // cannot be read, the key is encrypted, or the two do not belong together.
    CertificateSigner(const std::string& ca_cert_pem_path, const std::string& ca_key_pem_path,
                      std::chrono::days validity);
    ~CertificateSigner();
    CertificateSigner(const CertificateSigner&) = delete;
    CertificateSigner& operator=(const CertificateSigner&) = delete;

    struct Result {
        bool ok = false;
        std::string certificate_chain_pem; // ok: the new certificate, then the CA's
        std::string reason;                // !ok: why, fit for a log line and the database
    };
    Result sign(std::string_view csr_pem, std::string_view charge_point_id) const;

    // The reason the CSR is unacceptable, or nullopt if it passes every
    // check. Needs no CA: also used when requests go to an external CA.
    static std::optional<std::string> check_csr(std::string_view csr_pem, std::string_view charge_point_id);

private:
    struct Ca;
    std::unique_ptr<const Ca> ca_;
    std::chrono::days validity_;
};

} // namespace csms
