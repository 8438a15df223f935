// SignCertificate over wss, end to end: the charger's CSR is signed by the
// configured CA, the certificate comes back with CertificateSigned, verifies
// against the CA with the OpenSSL CLI, and works as the charger's client
// certificate.
#include "support/charger.hpp"
#include "support/csmsd_process.hpp"
#include "support/test_certs.hpp"
#include "support/test_db.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace csms::test;

namespace {

const std::string key_2 = "pw-Numbat-2342-secret";

// A P-256 key and a CSR for /CN=cn, made by the OpenSSL CLI in dir.
struct Csr {
    std::string pem;
    std::string key_path;
};

Csr make_csr(const TempDir& dir, const std::string& cn)
{
    const std::string key = dir.file("csr-" + cn + ".key");
    const std::string csr = dir.file("csr-" + cn + ".pem");
    const std::string log = dir.file("csr-" + cn + ".log");
    int rc = shell("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=" + cn + " -keyout " +
                   quoted(key) + " -out " + quoted(csr) + " >" + quoted(log) + " 2>&1");
    if (rc != 0) {
        throw std::runtime_error("openssl req failed: " + read_text_file(log));
    }
    return {read_text_file(csr), key};
}

// The next CALL of `action` from the server: already received, or within limit.
rapidjson::Document next_server_call(WsClient& client, const std::string& action, std::chrono::milliseconds limit)
{
    auto is_wanted = [&](const std::string& text, rapidjson::Document& doc) {
        doc.Parse(text.data(), text.size());
        return !doc.HasParseError() && doc.IsArray() && doc.Size() == 4 && doc[0].IsInt() && doc[0].GetInt() == 2 &&
               doc[2].IsString() && action == doc[2].GetString();
    };
    rapidjson::Document doc;
    for (const auto& text : client.unmatched()) {
        if (is_wanted(text, doc)) {
            return doc;
        }
    }
    auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        auto r = client.read(std::max(left, std::chrono::milliseconds(0)));
        if (r.status != ReadStatus::message) {
            throw std::runtime_error("no " + action + " from the server: " + to_string(r.status));
        }
        if (is_wanted(r.text, doc)) {
            return doc;
        }
    }
}

std::string request_status(const CsmsdProcess& csmsd, const std::string& id)
{
    TestDb db(csmsd.db_path());
    auto rows = db.rows("SELECT status FROM certificate_requests WHERE charger_id = ? ORDER BY id DESC LIMIT 1", {id});
    return rows.empty() ? std::string() : rows[0][0];
}

} // namespace

TEST_CASE("SignCertificate over wss: signed by the CA and delivered with CertificateSigned and usable for mTLS",
          "[e2e][security]")
{
    TempDir dir;
    const auto& certs = test_certs();
    seed_credentials(dir.file("csms.db"), {{"CP-2", 2, key_2}});
    SecurityConfig config;
    config.signing_ca = true;
    CsmsdProcess csmsd(dir, secure_csmsd(dir, config));
    const auto port = csmsd.wss_port();

    auto charger = connect_as(port, "CP-2", wss_options(basic_authorization("CP-2", key_2)));
    INFO(describe(charger.result));
    REQUIRE(charger.result.ok);
    REQUIRE(boot(*charger.client) == "Accepted");

    const auto csr = make_csr(dir, "CP-2");
    auto reply = charger.client->call("SignCertificate", JsonObject().set("csr", csr.pem).str());
    INFO(to_json(reply));
    REQUIRE(is_call_result(reply));
    CHECK(result_string(reply, "status") == "Accepted");

    auto signed_call = next_server_call(*charger.client, "CertificateSigned", std::chrono::seconds(10));
    INFO(to_json(signed_call));
    REQUIRE(signed_call[3].IsObject());
    REQUIRE(signed_call[3].HasMember("certificateChain"));
    const std::string chain = signed_call[3]["certificateChain"].GetString();
    const std::string chain_path = dir.file("chain.pem");
    std::ofstream(chain_path) << chain;

    // The OpenSSL CLI agrees: it chains to the CA and names the charger.
    const std::string verify_log = dir.file("verify.log");
    CHECK(shell("openssl verify -CAfile " + quoted(certs.ca()) + " " + quoted(chain_path) + " >" + quoted(verify_log) +
                " 2>&1") == 0);
    INFO(read_text_file(verify_log));
    const std::string subject = dir.file("subject.txt");
    REQUIRE(shell("openssl x509 -in " + quoted(chain_path) + " -noout -subject -nameopt RFC2253 >" + quoted(subject) +
                  " 2>&1") == 0);
    INFO(read_text_file(subject));
    CHECK(read_text_file(subject).find("CN=CP-2") != std::string::npos);

    // The charger installs it and says so; the request is closed.
    const std::string id = unique_id(signed_call);
    REQUIRE(charger.client->send_text(R"([3,")" + id + R"(",{"status":"Accepted"}])"));
    CHECK(wait_until([&] { return request_status(csmsd, "CP-2") == "delivered"; }, std::chrono::seconds(10)));
    CHECK(request_status(csmsd, "CP-2") == "delivered");

    // The new certificate and the CSR's key make a working client certificate.
    auto with_cert = wss_options(basic_authorization("CP-2", key_2));
    with_cert.client_certificate = chain_path;
    with_cert.client_key = csr.key_path;
    auto renewed = connect_as(port, "CP-2", with_cert);
    INFO(describe(renewed.result));
    CHECK(renewed.result.ok);
}

TEST_CASE("SignCertificate for another charge point's CN is Rejected and nothing is signed", "[e2e][security]")
{
    TempDir dir;
    seed_credentials(dir.file("csms.db"), {{"CP-2", 2, key_2}});
    SecurityConfig config;
    config.signing_ca = true;
    CsmsdProcess csmsd(dir, secure_csmsd(dir, config));

    auto charger = connect_as(csmsd.wss_port(), "CP-2", wss_options(basic_authorization("CP-2", key_2)));
    INFO(describe(charger.result));
    REQUIRE(charger.result.ok);
    REQUIRE(boot(*charger.client) == "Accepted");

    auto reply = charger.client->call("SignCertificate", JsonObject().set("csr", make_csr(dir, "CP-1").pem).str());
    INFO(to_json(reply));
    REQUIRE(is_call_result(reply));
    CHECK(result_string(reply, "status") == "Rejected");
    CHECK(request_status(csmsd, "CP-2") == "rejected");
    // No CertificateSigned follows: the next frame is the Heartbeat's answer.
    CHECK(is_call_result(charger.client->call("Heartbeat", "{}")));
    CHECK(charger.client->unmatched().empty());
}
