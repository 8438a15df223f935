#include "charger_harness.hpp"
#include "csms/certificate_signer.hpp"
#include "csms/charger_session.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <utility>
#include <vector>

using csms::CertificateSigner;
using csms::test::ChargerHarness;
using csms::test::TempDir;

namespace {

template <auto Free> struct Deleter {
    template <class T> void operator()(T* p) const noexcept { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using RequestPtr = std::unique_ptr<X509_REQ, Deleter<X509_REQ_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>>;
using StoreContextPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX_free>>;

KeyPtr rsa_key(unsigned bits)
{
    KeyPtr key(EVP_RSA_gen(bits));
    REQUIRE(key);
    return key;
}

KeyPtr ec_key(const char* curve = "P-256")
{
    KeyPtr key(EVP_EC_gen(curve));
    REQUIRE(key);
    return key;
}

std::string bio_text(BIO* bio)
{
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(size));
}

void add_name(X509_NAME* name, const char* field, const std::string& value)
{
    REQUIRE(X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0) == 1);
}

// A PEM CSR for `key`'s public half with these subject fields, in order;
// signed by `signing_key` (the same key unless a test wants a signature that
// does not verify).
std::string make_csr(EVP_PKEY* key, const std::vector<std::pair<std::string, std::string>>& subject,
                     EVP_PKEY* signing_key = nullptr)
{
    RequestPtr request(X509_REQ_new());
    REQUIRE(request);
    X509_NAME* name = X509_REQ_get_subject_name(request.get());
    for (const auto& [field, value] : subject) {
        add_name(name, field.c_str(), value);
    }
    REQUIRE(X509_REQ_set_pubkey(request.get(), key) == 1);
    REQUIRE(X509_REQ_sign(request.get(), signing_key ? signing_key : key, EVP_sha256()) > 0);
    BioPtr bio(BIO_new(BIO_s_mem()));
    REQUIRE(PEM_write_bio_X509_REQ(bio.get(), request.get()) == 1);
    return bio_text(bio.get());
}

std::string make_csr(EVP_PKEY* key, const std::string& cn)
{
    return make_csr(key, {{"CN", cn}});
}

void add_extension(X509* certificate, int nid, const std::string& value)
{
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
    ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()));
    REQUIRE(extension);
    REQUIRE(X509_add_ext(certificate, extension.get(), -1) == 1);
}

// A self-signed test CA written to a temporary directory.
struct TestCa {
    explicit TestCa(std::size_t padding = 0, bool is_ca = true)
    {
        auto key = ec_key();
        certificate.reset(X509_new());
        REQUIRE(certificate);
        X509_set_version(certificate.get(), X509_VERSION_3);
        ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 1);
        X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600);
        X509_time_adj_ex(X509_getm_notAfter(certificate.get()), 3650, 0, nullptr);
        add_name(X509_get_subject_name(certificate.get()), "CN", "CSMS Test CA");
        X509_set_issuer_name(certificate.get(), X509_get_subject_name(certificate.get()));
        X509_set_pubkey(certificate.get(), key.get());
        add_extension(certificate.get(), NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
        add_extension(certificate.get(), NID_key_usage,
                      is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
        add_extension(certificate.get(), NID_subject_key_identifier, "hash");
        if (padding > 0) {
            // Makes the CA certificate, and so every chain, as long as a test needs.
            add_extension(certificate.get(), NID_netscape_comment, std::string(padding, 'x'));
        }
        REQUIRE(X509_sign(certificate.get(), key.get(), EVP_sha256()) > 0);

        cert_path = dir.file("ca.pem");
        key_path = dir.file("ca.key");
        BioPtr cert_file(BIO_new_file(cert_path.c_str(), "w"));
        REQUIRE(PEM_write_bio_X509(cert_file.get(), certificate.get()) == 1);
        BioPtr key_file(BIO_new_file(key_path.c_str(), "w"));
        REQUIRE(PEM_write_bio_PrivateKey(key_file.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1);
    }

    TempDir dir;
    std::string cert_path, key_path;
    X509Ptr certificate;
};

std::vector<X509Ptr> read_chain(const std::string& pem)
{
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    std::vector<X509Ptr> chain;
    while (X509* certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
        chain.emplace_back(certificate);
    }
    ERR_clear_error(); // the end of the input is reported as an error
    return chain;
}

// True when the leaf chains to the CA and may be used as a TLS client certificate.
bool verifies_as_client(X509* leaf, X509* ca)
{
    StorePtr store(X509_STORE_new());
    REQUIRE(X509_STORE_add_cert(store.get(), ca) == 1);
    StoreContextPtr context(X509_STORE_CTX_new());
    REQUIRE(X509_STORE_CTX_init(context.get(), store.get(), leaf, nullptr) == 1);
    REQUIRE(X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_SSL_CLIENT) == 1);
    bool ok = X509_verify_cert(context.get()) == 1;
    UNSCOPED_INFO("verification: " << X509_verify_cert_error_string(X509_STORE_CTX_get_error(context.get())));
    return ok;
}

std::string name_field(X509* certificate, int nid)
{
    char text[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), nid, text, sizeof text);
    return text;
}

std::string frame(const char* type_and_id, const char* action, const std::string& field, const std::string& value)
{
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartArray();
    writer.Int(2);
    writer.String(type_and_id);
    writer.String(action);
    writer.StartObject();
    writer.Key(field.c_str());
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
    writer.EndObject();
    writer.EndArray();
    return buffer.GetString();
}

rapidjson::Document parse(const std::string& text)
{
    rapidjson::Document document;
    document.Parse(text.c_str());
    REQUIRE(document.IsArray());
    return document;
}

std::string sign_certificate_payload(const std::string& csr)
{
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartObject();
    writer.Key("csr");
    writer.String(csr.c_str(), static_cast<rapidjson::SizeType>(csr.size()));
    writer.EndObject();
    return buffer.GetString();
}

// The harness charger's session, for what the harness does not wrap: its
// Services (to configure a signer) and its endpoint (to send raw frames).
std::shared_ptr<csms::ChargerSession> session_of(ChargerHarness& h)
{
    auto session = h.registry().find("CP-1");
    REQUIRE(session);
    return session;
}

// Sends SignCertificate and returns every frame sent in answer, waiting for
// `expected` of them (the CALLRESULT, then CertificateSigned if one follows).
std::vector<std::string> send_sign_certificate(ChargerHarness& h, const std::string& csr, std::size_t expected)
{
    auto before = h.connection().sent().size();
    session_of(h)->endpoint().on_text(frame("sc-1", "SignCertificate", "csr", csr));
    auto frames = h.connection().wait_for_frames(before + expected);
    REQUIRE(frames.size() == before + expected);
    return {frames.begin() + static_cast<std::ptrdiff_t>(before), frames.end()};
}

std::string request_row(ChargerHarness& h)
{
    return h.text("SELECT status || '/' || ifnull(reason, '') FROM certificate_requests");
}

} // namespace

TEST_CASE("SecurityEventNotification: stored as a charger event; a non-critical type raises no alert",
          "[csms][security]")
{
    ChargerHarness h;
    h.boot();
    auto reply = h.result("SecurityEventNotification", R"({"type":"InvalidMessages",
        "timestamp":"2026-01-01T00:00:00Z","techInfo":"bad frame"})");
    CHECK(reply.ObjectEmpty());
    CHECK(h.text("SELECT charger_id || '/' || type || '/' || tech_info || '/' || timestamp || '/' || critical || '/' "
                 "|| source FROM security_events") ==
          "CP-1/InvalidMessages/bad frame/2026-01-01T00:00:00.000Z/0/charger");
    CHECK(h.count("SELECT count(*) FROM alerts") == 0);
}

TEST_CASE("SecurityEventNotification: a critical type raises a critical alert pointing at the event",
          "[csms][security]")
{
    ChargerHarness h;
    h.boot();
    h.result("SecurityEventNotification", R"({"type":"TamperDetectionActivated","timestamp":"2026-01-01T00:00:00Z"})");
    CHECK(h.count("SELECT critical FROM security_events") == 1);
    CHECK(h.text("SELECT charger_id || '/' || kind || '/' || severity || '/' || message FROM alerts") ==
          "CP-1/security_event/critical/TamperDetectionActivated");
    CHECK(h.count("SELECT count(*) FROM alerts JOIN security_events ON alerts.source_ref = 'security_events:' || "
                  "security_events.id WHERE alerts.acknowledged_at IS NULL") == 1);
}

TEST_CASE("LogStatusNotification and SignedFirmwareStatusNotification are stored with their requestId",
          "[csms][security]")
{
    ChargerHarness h;
    h.boot();
    h.result("LogStatusNotification", R"({"status":"Uploading","requestId":7})");
    h.result("LogStatusNotification", R"({"status":"Idle"})");
    h.result("SignedFirmwareStatusNotification", R"({"status":"SignatureVerified","requestId":9})");
    CHECK(h.text("SELECT group_concat(status || ':' || ifnull(request_id, '-'), ',') FROM "
                 "(SELECT * FROM log_status_history ORDER BY id)") == "Uploading:7,Idle:-");
    CHECK(h.text("SELECT charger_id || '/' || status || '/' || request_id FROM signed_firmware_status_history") ==
          "CP-1/SignatureVerified/9");
}

TEST_CASE("LogStatusNotification: a requestId past int64 is refused and nothing is stored", "[csms][security]")
{
    ChargerHarness h;
    h.boot();
    CHECK(h.error_code("LogStatusNotification", R"({"status":"Idle","requestId":99999999999999999999})") != "");
    CHECK(h.count("SELECT count(*) FROM log_status_history") == 0);
}

TEST_CASE("SignCertificate: a good CSR is Accepted, then CertificateSigned follows the CALLRESULT with a chain "
          "that verifies against the CA",
          "[csms][security][certificate]")
{
    TestCa ca;
    CertificateSigner signer(ca.cert_path, ca.key_path, std::chrono::days(365));
    ChargerHarness h;
    h.boot();
    session_of(h)->services().signer = &signer;
    auto key = ec_key();

    auto frames = send_sign_certificate(h, make_csr(key.get(), "CP-1"), 2);
    // Order on the wire: the answer first, then the server's own CALL.
    auto answer = parse(frames[0]);
    REQUIRE(answer[0].GetInt() == 3);
    CHECK(std::string(answer[1].GetString()) == "sc-1");
    CHECK(std::string(answer[2]["status"].GetString()) == "Accepted");
    auto call = parse(frames[1]);
    REQUIRE(call[0].GetInt() == 2);
    CHECK(std::string(call[2].GetString()) == "CertificateSigned");
    std::string chain_pem = call[3]["certificateChain"].GetString();
    CHECK(request_row(h) == "signed/");
    CHECK(h.text("SELECT certificate_pem FROM certificate_requests") == chain_pem);

    auto chain = read_chain(chain_pem);
    REQUIRE(chain.size() == 2);
    CHECK(X509_cmp(chain[1].get(), ca.certificate.get()) == 0);
    CHECK(verifies_as_client(chain[0].get(), ca.certificate.get()));
    TestCa other_ca;
    CHECK_FALSE(verifies_as_client(chain[0].get(), other_ca.certificate.get()));
    CHECK(name_field(chain[0].get(), NID_commonName) == "CP-1");
    CHECK(X509_get_version(chain[0].get()) == X509_VERSION_3);
    CHECK(X509_check_ca(chain[0].get()) == 0);
    CHECK((X509_get_key_usage(chain[0].get()) & KU_KEY_AGREEMENT) != 0);
    CHECK(EVP_PKEY_eq(X509_get0_pubkey(chain[0].get()), key.get()) == 1);
    CHECK(ASN1_STRING_length(X509_get0_serialNumber(chain[0].get())) == 16);
    int days = 0;
    int seconds = 0;
    REQUIRE(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(chain[0].get()), X509_get0_notAfter(chain[0].get())));
    CHECK(days == 365);

    // The charger installs it: the request is marked delivered.
    std::string call_id = call[1].GetString();
    session_of(h)->endpoint().on_text(R"([3,")" + call_id + R"(",{"status":"Accepted"}])");
    h.write([](csms::store::Database&) {}); // commits after the update queued before it
    CHECK(request_row(h) == "delivered/");
}

TEST_CASE("SignCertificate: an RSA-2048 CSR gets keyEncipherment, keeps its O and drops other subject fields",
          "[csms][security][certificate]")
{
    TestCa ca;
    CertificateSigner signer(ca.cert_path, ca.key_path, std::chrono::days(30));
    auto key = rsa_key(2048);
    auto csr = make_csr(key.get(), {{"C", "CN"}, {"O", "ACME Charging"}, {"OU", "Depot 7"}, {"CN", "CP-1"}});
    CHECK_FALSE(CertificateSigner::check_csr(csr, "CP-1"));
    auto result = signer.sign(csr, "CP-1");
    REQUIRE(result.ok);
    auto chain = read_chain(result.certificate_chain_pem);
    REQUIRE(chain.size() == 2);
    CHECK(verifies_as_client(chain[0].get(), ca.certificate.get()));
    CHECK((X509_get_key_usage(chain[0].get()) & KU_KEY_ENCIPHERMENT) != 0);
    CHECK((X509_get_key_usage(chain[0].get()) & KU_DIGITAL_SIGNATURE) != 0);
    CHECK(name_field(chain[0].get(), NID_organizationName) == "ACME Charging");
    CHECK(name_field(chain[0].get(), NID_commonName) == "CP-1");
    CHECK(X509_NAME_entry_count(X509_get_subject_name(chain[0].get())) == 2);
    // Two certificates never share a serial.
    auto again = read_chain(signer.sign(csr, "CP-1").certificate_chain_pem);
    REQUIRE(again.size() == 2);
    CHECK(ASN1_INTEGER_cmp(X509_get0_serialNumber(chain[0].get()), X509_get0_serialNumber(again[0].get())) != 0);
}

TEST_CASE("SignCertificate: a CertificateSigned the charger does not accept is marked delivery_failed",
          "[csms][security][certificate]")
{
    TestCa ca;
    CertificateSigner signer(ca.cert_path, ca.key_path, std::chrono::days(365));
    ChargerHarness h;
    h.boot();
    session_of(h)->services().signer = &signer;
    auto key = ec_key();
    auto frames = send_sign_certificate(h, make_csr(key.get(), "CP-1"), 2);
    std::string call_id = parse(frames[1])[1].GetString();

    std::string expected;
    SECTION("Rejected")
    {
        session_of(h)->endpoint().on_text(R"([3,")" + call_id + R"(",{"status":"Rejected"}])");
        expected = "delivery_failed/the charger rejected the certificate";
    }
    SECTION("CALLERROR")
    {
        session_of(h)->endpoint().on_text(R"([4,")" + call_id + R"(","NotSupported","",{}])");
        expected = "delivery_failed/the charger answered CertificateSigned with NotSupported";
    }
    SECTION("no answer before the timeout")
    {
        REQUIRE(h.connection().timer_count() == 1); // the call timeout
        h.connection().fire_timers();
        expected = "delivery_failed/no answer to CertificateSigned within the timeout";
    }
    h.write([](csms::store::Database&) {});
    CHECK(request_row(h) == expected);
}

TEST_CASE("SignCertificate: a CN other than the charge point id is Rejected and stored as rejected",
          "[csms][security][certificate]")
{
    TestCa ca;
    CertificateSigner signer(ca.cert_path, ca.key_path, std::chrono::days(365));
    ChargerHarness h;
    h.boot();
    session_of(h)->services().signer = &signer;
    auto key = ec_key();
    auto frames = send_sign_certificate(h, make_csr(key.get(), "CP-2"), 1);
    CHECK(std::string(parse(frames[0])[2]["status"].GetString()) == "Rejected");
    CHECK(request_row(h) == "rejected/the CSR's subject CN is not the charge point id");
    CHECK(h.count("SELECT count(*) FROM certificate_requests WHERE certificate_pem IS NULL") == 1);
    h.connection().drain();
    CHECK(h.connection().sent().size() == 2); // the boot answer and this one: no CertificateSigned
}

TEST_CASE("SignCertificate: weak keys, bad signatures and garbage are Rejected", "[csms][security][certificate]")
{
    TestCa ca;
    CertificateSigner signer(ca.cert_path, ca.key_path, std::chrono::days(365));
    ChargerHarness h;
    h.boot();
    session_of(h)->services().signer = &signer;

    std::string csr;
    std::string reason;
    SECTION("RSA-1024")
    {
        auto key = rsa_key(1024);
        csr = make_csr(key.get(), "CP-1");
        reason = "the CSR's RSA key has 1024 bits; at least 2048 are required";
    }
    SECTION("EC P-224")
    {
        auto key = ec_key("P-224");
        csr = make_csr(key.get(), "CP-1");
        reason = "the CSR's EC key has 224 bits; at least 256 are required";
    }
    SECTION("signed by another key than the one it carries")
    {
        auto key = ec_key();
        auto other = ec_key();
        csr = make_csr(key.get(), {{"CN", "CP-1"}}, other.get());
        reason = "the CSR's signature does not verify";
    }
    SECTION("two CNs")
    {
        auto key = ec_key();
        csr = make_csr(key.get(), {{"CN", "CP-1"}, {"CN", "CP-2"}});
        reason = "the CSR's subject has more than one CN";
    }
    SECTION("no CN")
    {
        auto key = ec_key();
        csr = make_csr(key.get(), {{"O", "ACME"}});
        reason = "the CSR's subject has no CN";
    }
    SECTION("not PEM")
    {
        csr = "-----BEGIN CERTIFICATE REQUEST-----\nbm90IGEgY3Ny\n-----END CERTIFICATE REQUEST-----\n";
        reason = "the CSR is not a PEM certificate request";
        CHECK(CertificateSigner::check_csr(csr, "CP-1") == reason);
    }
    SECTION("empty")
    {
        reason = "the CSR is empty or too large";
        CHECK(CertificateSigner::check_csr(csr, "CP-1") == reason);
    }
    auto frames = send_sign_certificate(h, csr, 1);
    CHECK(std::string(parse(frames[0])[2]["status"].GetString()) == "Rejected");
    CHECK(request_row(h) == "rejected/" + reason);
    CHECK(h.text("SELECT csr_pem FROM certificate_requests") == csr);
}

TEST_CASE("SignCertificate: without a signer a good CSR waits for an external CA", "[csms][security][certificate]")
{
    ChargerHarness h;
    h.boot();
    auto key = ec_key();
    auto reply = h.result("SignCertificate", sign_certificate_payload(make_csr(key.get(), "CP-1")));
    CHECK(std::string(reply["status"].GetString()) == "Accepted");
    CHECK(request_row(h) == "pending_external/");
    h.connection().drain();
    CHECK(h.connection().sent().size() == 2); // nothing sent to the charger yet
}

TEST_CASE("SignCertificate: without a signer a bad CSR is still checked and Rejected", "[csms][security][certificate]")
{
    ChargerHarness h;
    h.boot();
    auto key = rsa_key(1024);
    auto reply = h.result("SignCertificate", sign_certificate_payload(make_csr(key.get(), "CP-1")));
    CHECK(std::string(reply["status"].GetString()) == "Rejected");
    CHECK(request_row(h) == "rejected/the CSR's RSA key has 1024 bits; at least 2048 are required");
}

TEST_CASE("SignCertificate: a chain longer than CertificateSigned allows is Rejected and stored as delivery_failed",
          "[csms][security][certificate]")
{
    TestCa ca(10'000);
    CertificateSigner signer(ca.cert_path, ca.key_path, std::chrono::days(365));
    ChargerHarness h;
    h.boot();
    session_of(h)->services().signer = &signer;
    auto key = ec_key();
    auto frames = send_sign_certificate(h, make_csr(key.get(), "CP-1"), 1);
    CHECK(std::string(parse(frames[0])[2]["status"].GetString()) == "Rejected");
    CHECK(request_row(h) ==
          "delivery_failed/the certificate chain is longer than CertificateSigned allows (10000 characters)");
    h.connection().drain();
    CHECK(h.connection().sent().size() == 2);
}

TEST_CASE("CertificateSigner: a CA that cannot be loaded fails construction, naming the file",
          "[csms][security][certificate]")
{
    TestCa ca;
    TestCa other;
    auto throws_naming = [](auto make, const std::string& path) {
        try {
            make();
            FAIL("no exception");
        } catch (const std::runtime_error& e) {
            CHECK_THAT(e.what(), Catch::Contains(path));
        }
    };
    auto missing = ca.dir.file("missing.pem");
    throws_naming([&] { CertificateSigner(missing, ca.key_path, std::chrono::days(1)); }, missing);
    throws_naming([&] { CertificateSigner(ca.cert_path, missing, std::chrono::days(1)); }, missing);
    throws_naming([&] { CertificateSigner(ca.key_path, ca.key_path, std::chrono::days(1)); }, ca.key_path);
    throws_naming([&] { CertificateSigner(ca.cert_path, ca.cert_path, std::chrono::days(1)); }, ca.cert_path);
    throws_naming([&] { CertificateSigner(ca.cert_path, other.key_path, std::chrono::days(1)); }, other.key_path);
    TestCa not_a_ca(0, false);
    throws_naming([&] { CertificateSigner(not_a_ca.cert_path, not_a_ca.key_path, std::chrono::days(1)); },
                  not_a_ca.cert_path);
}

TEST_CASE("SignCertificate: a session on plain ws gets no certificate, whatever its CSR",
          "[csms][security][certificate]")
{
    TestCa ca;
    CertificateSigner signer(ca.cert_path, ca.key_path, std::chrono::days(365));
    ChargerHarness h;
    h.connect("CP-1", false);
    h.boot();
    session_of(h)->services().signer = &signer;
    auto key = ec_key();
    auto reply = h.result("SignCertificate", sign_certificate_payload(make_csr(key.get(), "CP-1")));
    CHECK(std::string(reply["status"].GetString()) == "Rejected");
    CHECK(h.text("SELECT status || '/' || reason FROM certificate_requests") ==
          "rejected/SignCertificate is accepted over wss only");
    h.connection().drain();
    for (const auto& frame : h.connection().sent()) {
        CHECK(frame.find("CertificateSigned") == std::string::npos);
    }
}
