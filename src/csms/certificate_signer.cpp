#include "csms/certificate_signer.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <climits>
#include <stdexcept>
#include <variant>

namespace csms {
namespace {

template <auto Free> struct Deleter {
    template <class T> void operator()(T* p) const noexcept { Free(p); }
};
template <class T, auto Free> using Owned = std::unique_ptr<T, Deleter<Free>>;

using BioPtr = Owned<BIO, BIO_free_all>;
using X509Ptr = Owned<X509, X509_free>;
using RequestPtr = Owned<X509_REQ, X509_REQ_free>;
using KeyPtr = Owned<EVP_PKEY, EVP_PKEY_free>;
using BignumPtr = Owned<BIGNUM, BN_free>;
using ExtensionPtr = Owned<X509_EXTENSION, X509_EXTENSION_free>;
using NamePtr = Owned<X509_NAME, X509_NAME_free>;

// The error queue is per thread: an entry left behind would be read by the
// next TLS operation on the same worker thread as its own failure.
struct ClearErrorsOnExit {
    ClearErrorsOnExit() = default;
    ClearErrorsOnExit(const ClearErrorsOnExit&) = delete;
    ClearErrorsOnExit& operator=(const ClearErrorsOnExit&) = delete;
    ~ClearErrorsOnExit() { ERR_clear_error(); }
};

// Without a callback OpenSSL would prompt on the terminal for an encrypted
// key and block the server's start.
int refuse_passphrase(char*, int, int, void*)
{
    return -1;
}

// Far beyond any real CSR (the schema allows 5,500 characters); keeps the
// int conversion for BIO_new_mem_buf safe.
constexpr std::size_t max_csr_size = 64 * 1024;

constexpr int min_rsa_bits = 2048;
constexpr int min_ec_bits = 256;

std::string openssl_error()
{
    auto code = ERR_peek_last_error();
    if (code == 0) {
        return "no detail";
    }
    std::array<char, 256> text{};
    ERR_error_string_n(code, text.data(), text.size());
    return text.data();
}

std::string pem_of(const X509* certificate)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), certificate) != 1) {
        return {};
    }
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::optional<std::string> utf8_of(const X509_NAME_ENTRY* entry)
{
    unsigned char* out = nullptr;
    int size = ASN1_STRING_to_UTF8(&out, X509_NAME_ENTRY_get_data(entry));
    if (size < 0) {
        return std::nullopt;
    }
    std::string text(reinterpret_cast<const char*>(out), static_cast<std::size_t>(size));
    OPENSSL_free(out);
    return text;
}

struct AcceptedCsr {
    RequestPtr request;
    EVP_PKEY* key = nullptr; // owned by request
    bool rsa = false;
};

// The checks shared by sign() and check_csr(): a parsed request, or why not.
std::variant<AcceptedCsr, std::string> examine(std::string_view csr_pem, std::string_view charge_point_id)
{
    if (csr_pem.empty() || csr_pem.size() > max_csr_size) {
        return std::string("the CSR is empty or too large");
    }
    BioPtr bio(BIO_new_mem_buf(csr_pem.data(), static_cast<int>(csr_pem.size())));
    if (!bio) {
        return std::string("out of memory reading the CSR");
    }
    RequestPtr request(PEM_read_bio_X509_REQ(bio.get(), nullptr, refuse_passphrase, nullptr));
    if (!request) {
        return std::string("the CSR is not a PEM certificate request");
    }
    EVP_PKEY* key = X509_REQ_get0_pubkey(request.get());
    if (key == nullptr) {
        return std::string("the CSR's public key is unreadable");
    }
    if (X509_REQ_verify(request.get(), key) != 1) {
        return std::string("the CSR's signature does not verify");
    }

    const X509_NAME* subject = X509_REQ_get_subject_name(request.get());
    int cn_index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (cn_index < 0) {
        return std::string("the CSR's subject has no CN");
    }
    if (X509_NAME_get_index_by_NID(subject, NID_commonName, cn_index) >= 0) {
        return std::string("the CSR's subject has more than one CN");
    }
    // The CN is the charger's own text: compared, never echoed into the reason.
    auto cn = utf8_of(X509_NAME_get_entry(subject, cn_index));
    if (!cn || *cn != charge_point_id) {
        return std::string("the CSR's subject CN is not the charge point id");
    }

    int bits = EVP_PKEY_get_bits(key);
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
        if (bits < min_rsa_bits) {
            return "the CSR's RSA key has " + std::to_string(bits) + " bits; at least " + std::to_string(min_rsa_bits) +
                   " are required";
        }
        return AcceptedCsr{std::move(request), key, true};
    case EVP_PKEY_EC:
        if (bits < min_ec_bits) {
            return "the CSR's EC key has " + std::to_string(bits) + " bits; at least " + std::to_string(min_ec_bits) +
                   " are required";
        }
        return AcceptedCsr{std::move(request), key, false};
    default:
        return std::string("the CSR's key type is not accepted (RSA or EC only)");
    }
}

// Subject of the new certificate: the CSR's O (first, if any) and its CN;
// anything else the charger asked for is not vouched for.
NamePtr issued_subject(const X509_NAME* requested)
{
    NamePtr subject(X509_NAME_new());
    if (!subject) {
        return nullptr;
    }
    for (int nid : {NID_organizationName, NID_commonName}) {
        int index = X509_NAME_get_index_by_NID(requested, nid, -1);
        if (index >= 0 && X509_NAME_add_entry(subject.get(), X509_NAME_get_entry(requested, index), -1, 0) != 1) {
            return nullptr;
        }
    }
    return subject;
}

bool add_extensions(X509* certificate, X509* issuer, bool rsa)
{
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
    const std::pair<int, const char*> extensions[] = {
        {NID_basic_constraints, "critical,CA:FALSE"},
        {NID_key_usage, rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature,keyAgreement"},
        {NID_ext_key_usage, "clientAuth"},
        {NID_subject_key_identifier, "hash"},
        {NID_authority_key_identifier, "keyid,issuer"},
    };
    for (const auto& [nid, value] : extensions) {
        ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
        if (!extension || X509_add_ext(certificate, extension.get(), -1) != 1) {
            return false;
        }
    }
    return true;
}

bool set_random_serial(X509* certificate)
{
    std::array<unsigned char, 16> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        return false;
    }
    // Positive (RFC 5280) and always a full 16 bytes long.
    bytes[0] = static_cast<unsigned char>((bytes[0] & 0x7f) | 0x40);
    BignumPtr number(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
    return number && BN_to_ASN1_INTEGER(number.get(), X509_get_serialNumber(certificate)) != nullptr;
}

} // namespace

struct CertificateSigner::Ca {
    X509Ptr certificate;
    KeyPtr key;
    std::string certificate_pem;
};

CertificateSigner::CertificateSigner(const std::string& ca_cert_pem_path, const std::string& ca_key_pem_path,
                                     std::chrono::days validity)
    : validity_(validity)
{
    ClearErrorsOnExit clear_errors;
    if (validity.count() <= 0 || validity.count() > INT_MAX) {
        throw std::runtime_error("certificate validity must be a positive number of days");
    }
    auto ca = std::make_unique<Ca>();

    BioPtr cert_file(BIO_new_file(ca_cert_pem_path.c_str(), "r"));
    if (!cert_file) {
        throw std::runtime_error("cannot open the CA certificate " + ca_cert_pem_path);
    }
    ca->certificate.reset(PEM_read_bio_X509(cert_file.get(), nullptr, refuse_passphrase, nullptr));
    if (!ca->certificate) {
        throw std::runtime_error("the CA certificate " + ca_cert_pem_path +
                                 " holds no PEM certificate: " + openssl_error());
    }
    if (X509_check_ca(ca->certificate.get()) == 0) {
        throw std::runtime_error("the CA certificate " + ca_cert_pem_path + " is not a CA certificate");
    }

    BioPtr key_file(BIO_new_file(ca_key_pem_path.c_str(), "r"));
    if (!key_file) {
        throw std::runtime_error("cannot open the CA key " + ca_key_pem_path);
    }
    ca->key.reset(PEM_read_bio_PrivateKey(key_file.get(), nullptr, refuse_passphrase, nullptr));
    if (!ca->key) {
        throw std::runtime_error("the CA key " + ca_key_pem_path +
                                 " holds no unencrypted PEM private key: " + openssl_error());
    }
    if (X509_check_private_key(ca->certificate.get(), ca->key.get()) != 1) {
        throw std::runtime_error("the CA key " + ca_key_pem_path + " does not match the CA certificate " +
                                 ca_cert_pem_path);
    }
    ca->certificate_pem = pem_of(ca->certificate.get());
    if (ca->certificate_pem.empty()) {
        throw std::runtime_error("the CA certificate " + ca_cert_pem_path + " cannot be written as PEM");
    }
    ca_ = std::move(ca);
}

CertificateSigner::~CertificateSigner() = default;

std::optional<std::string> CertificateSigner::check_csr(std::string_view csr_pem, std::string_view charge_point_id)
{
    ClearErrorsOnExit clear_errors;
    auto examined = examine(csr_pem, charge_point_id);
    if (auto* reason = std::get_if<std::string>(&examined)) {
        return std::move(*reason);
    }
    return std::nullopt;
}

CertificateSigner::Result CertificateSigner::sign(std::string_view csr_pem, std::string_view charge_point_id) const
{
    ClearErrorsOnExit clear_errors;
    auto examined = examine(csr_pem, charge_point_id);
    if (auto* reason = std::get_if<std::string>(&examined)) {
        return {false, {}, std::move(*reason)};
    }
    auto& csr = std::get<AcceptedCsr>(examined);
    auto failed = [](std::string what) { return Result{false, {}, what + ": " + openssl_error()}; };

    X509Ptr certificate(X509_new());
    if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1) {
        return failed("creating the certificate failed");
    }
    if (!set_random_serial(certificate.get())) {
        return failed("drawing a serial number failed");
    }
    // The notAfter never outlives the CA: a chain past it would not verify.
    if (X509_gmtime_adj(X509_getm_notBefore(certificate.get()), 0) == nullptr ||
        X509_time_adj_ex(X509_getm_notAfter(certificate.get()), static_cast<int>(validity_.count()), 0, nullptr) ==
            nullptr) {
        return failed("setting the validity failed");
    }
    const ASN1_TIME* ca_not_after = X509_get0_notAfter(ca_->certificate.get());
    if (ASN1_TIME_compare(X509_get0_notAfter(certificate.get()), ca_not_after) > 0 &&
        X509_set1_notAfter(certificate.get(), ca_not_after) != 1) {
        return failed("setting the validity failed");
    }
    auto subject = issued_subject(X509_REQ_get_subject_name(csr.request.get()));
    if (!subject || X509_set_subject_name(certificate.get(), subject.get()) != 1 ||
        X509_set_issuer_name(certificate.get(), X509_get_subject_name(ca_->certificate.get())) != 1 ||
        X509_set_pubkey(certificate.get(), csr.key) != 1) {
        return failed("setting the names or the key failed");
    }
    if (!add_extensions(certificate.get(), ca_->certificate.get(), csr.rsa)) {
        return failed("adding the extensions failed");
    }
    if (X509_sign(certificate.get(), ca_->key.get(), EVP_sha256()) <= 0) {
        return failed("signing failed");
    }
    auto leaf = pem_of(certificate.get());
    if (leaf.empty()) {
        return failed("writing the certificate failed");
    }
    return {true, leaf + ca_->certificate_pem, {}};
}

} // namespace csms
