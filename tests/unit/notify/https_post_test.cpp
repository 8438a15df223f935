// Webhooks over HTTPS: the server's certificate is checked against the
// channel's CA file (or the system's trust store) and for the host the URL
// names; anything else fails with a short reason and sends nothing.
#include "notify/http_post.hpp"
#include "notify/tcp_connection.hpp"

#include "support/http_receiver.hpp"
#include "support/test_certs.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>

using namespace csms;
using namespace csms::notify;
using namespace std::chrono_literals;

namespace {

test::TlsIdentity identity(const std::string& name = "server")
{
    const auto& certs = test::test_certs();
    return name == "server" ? test::TlsIdentity{certs.server_cert(), certs.server_key()}
                            : test::TlsIdentity{certs.test_cert(name), certs.test_key(name)};
}

HttpTarget https(std::uint16_t port, const std::string& ca_file)
{
    return HttpTarget{true, "127.0.0.1", std::to_string(port), "/hook", ca_file};
}

int post(const HttpTarget& target)
{
    return http_post(target, "application/json", {{"X-CSMS-Event", "opened"}}, R"({"alert_id":1})", 5s);
}

// What http_post threw, or "" when it was answered.
std::string failure(const HttpTarget& target)
{
    try {
        post(target);
    } catch (const NetworkError& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("HTTPS: a webhook reaches a server whose certificate the CA file vouches for", "[notify][https][tls]")
{
    test::HttpReceiver receiver(0, 200, identity());
    auto target = https(receiver.port(), test::test_certs().ca());
    CHECK(post(target) == 200);
    target.host = "localhost"; // a name, checked against the certificate's DNS entry (and sent as SNI)
    CHECK(post(target) == 200);
    REQUIRE(receiver.count() == 2);
    auto request = receiver.requests()[1];
    CHECK(request.target == "/hook");
    CHECK(request.header("host") == "localhost:" + std::to_string(receiver.port()));
    CHECK(request.header("x-csms-event") == "opened");
    CHECK(request.body == R"({"alert_id":1})");
}

TEST_CASE("HTTPS: an untrusted certificate or one for another host fails with a short reason", "[notify][https][tls]")
{
    const auto& certs = test::test_certs();
    test::HttpReceiver receiver(0, 200, identity());
    CHECK_THAT(failure(https(receiver.port(), certs.test_cert("other-ca"))),
               Catch::StartsWith("TLS: the server's certificate is not trusted ("));
    // The system's trust store does not hold the test CA either.
    CHECK_THAT(failure(https(receiver.port(), "")),
               Catch::StartsWith("TLS: the server's certificate is not trusted ("));

    test::HttpReceiver elsewhere(0, 200, identity("other-host"));
    auto target = https(elsewhere.port(), certs.ca());
    CHECK(failure(target) == "TLS: the server's certificate is not for 127.0.0.1");
    target.host = "localhost";
    CHECK(failure(target) == "TLS: the server's certificate is not for localhost");

    CHECK(
        test::wait_until([&] { return receiver.failed_handshakes() == 2 && elsewhere.failed_handshakes() == 2; }, 5s));
    CHECK(receiver.count() + elsewhere.count() == 0);
}

TEST_CASE("HTTPS: a server that speaks plain HTTP is a failed handshake, not a plain-text send", "[notify][https][tls]")
{
    // Answers whatever arrives in plain HTTP, as a misconfigured port would.
    test::TcpTestServer plain(0, [](test::ServedConnection& c) {
        c.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    });
    CHECK_THAT(failure(https(plain.port(), test::test_certs().ca())), Catch::StartsWith("TLS handshake: "));
}
