// SMTP to relays as production ones want it: STARTTLS or implicit TLS with
// the relay's certificate checked, and AUTH; against the test sink and the
// test CA's certificates, over real sockets.
#include "notify/smtp_client.hpp"
#include "notify/tcp_connection.hpp"

#include "support/smtp_sink.hpp"
#include "support/test_certs.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>

using namespace csms;
using namespace csms::notify;
using namespace std::chrono_literals;

namespace {

constexpr const char* password = "s3cret-Relay-pass";
// How the password travels: alone (AUTH LOGIN) and in the PLAIN token.
constexpr const char* password_base64 = "czNjcmV0LVJlbGF5LXBhc3M=";
constexpr const char* plain_token = "AGNzbXMAczNjcmV0LVJlbGF5LXBhc3M=";

MailMessage message()
{
    return MailMessage{"csms@example.com", "olga@example.com",           "[CSMS critical] opened",
                       "Hot.\n",           "<delivery-1.alert-1@csmsd>", base::SysTime{}};
}

test::TlsIdentity identity(const std::string& name = "server")
{
    const auto& certs = test::test_certs();
    return name == "server" ? test::TlsIdentity{certs.server_cert(), certs.server_key()}
                            : test::TlsIdentity{certs.test_cert(name), certs.test_key(name)};
}

test::SmtpSinkOptions tls_sink(bool implicit, const std::string& certificate = "server")
{
    test::SmtpSinkOptions options;
    options.tls = identity(certificate);
    options.implicit_tls = implicit;
    options.user = "csms";
    options.password = password;
    return options;
}

SmtpRelay relay(std::uint16_t port, SmtpTls tls)
{
    SmtpRelay r;
    r.host = "127.0.0.1";
    r.port = std::to_string(port);
    r.tls = tls;
    r.ca_file = test::test_certs().ca();
    r.username = "csms";
    r.password = password;
    return r;
}

// What send_mail threw, or "" when it went through.
std::string failure(const SmtpRelay& r)
{
    try {
        send_mail(r, message(), 5s);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

using Commands = std::vector<std::string>;

} // namespace

TEST_CASE("SMTP: STARTTLS then AUTH PLAIN reaches a relay that checks the credentials", "[notify][smtp][tls]")
{
    test::SmtpSink sink(0, tls_sink(false));
    send_mail(relay(sink.port(), SmtpTls::starttls), message(), 5s);
    REQUIRE(sink.count() == 1);
    auto mail = sink.mails()[0];
    CHECK(mail.encrypted);
    CHECK(mail.user == "csms");
    CHECK(mail.to == std::vector<std::string>{"olga@example.com"});
    CHECK(mail.body() == "Hot.\r\n");
    // EHLO again after the handshake: what was offered in plain text does not count.
    CHECK(sink.commands() == Commands{"EHLO", "STARTTLS", "EHLO", "AUTH PLAIN", "MAIL", "RCPT", "DATA", "QUIT"});
}

TEST_CASE("SMTP: implicit TLS from the first byte, with AUTH LOGIN", "[notify][smtp][tls]")
{
    test::SmtpSink sink(0, tls_sink(true));
    auto r = relay(sink.port(), SmtpTls::implicit);
    r.auth_mechanism = "LOGIN";
    send_mail(r, message(), 5s);
    REQUIRE(sink.count() == 1);
    CHECK(sink.mails()[0].encrypted);
    CHECK(sink.mails()[0].user == "csms");
    CHECK(sink.commands() == Commands{"EHLO", "AUTH LOGIN", "MAIL", "RCPT", "DATA", "QUIT"});
}

TEST_CASE("SMTP: a relay that does not offer STARTTLS gets nothing in plain text", "[notify][smtp][tls]")
{
    test::SmtpSinkOptions plain_with_auth;
    plain_with_auth.user = "csms";
    plain_with_auth.password = password;
    test::SmtpSink sink(0, plain_with_auth);
    CHECK(failure(relay(sink.port(), SmtpTls::starttls)) ==
          "SMTP: the relay does not offer STARTTLS (tls = \"starttls\"): nothing is sent in plain text");
    CHECK(sink.commands() == Commands{"EHLO"});
    CHECK(sink.count() == 0);
}

TEST_CASE("SMTP: AUTH over an unencrypted connection only when allowed", "[notify][smtp][tls]")
{
    test::SmtpSinkOptions plain_with_auth;
    plain_with_auth.user = "csms";
    plain_with_auth.password = password;
    test::SmtpSink sink(0, plain_with_auth);
    auto r = relay(sink.port(), SmtpTls::none);
    CHECK_THAT(failure(r), Catch::Contains("the password is not sent over an unencrypted connection"));
    CHECK(sink.commands() == Commands{"EHLO"});

    r.allow_auth_without_tls = true; // a relay on the same host
    CHECK(failure(r).empty());
    REQUIRE(sink.count() == 1);
    CHECK(sink.mails()[0].user == "csms");
    CHECK_FALSE(sink.mails()[0].encrypted);
}

TEST_CASE("SMTP: an untrusted relay certificate or one for another host is a failure before AUTH",
          "[notify][smtp][tls]")
{
    test::SmtpSink implicit(0, tls_sink(true));
    auto r = relay(implicit.port(), SmtpTls::implicit);
    r.ca_file = test::test_certs().test_cert("other-ca");
    CHECK_THAT(failure(r), Catch::StartsWith("TLS: the server's certificate is not trusted ("));
    CHECK(test::wait_until([&] { return implicit.failed_handshakes() == 1; }, 5s));

    test::SmtpSink elsewhere(0, tls_sink(false, "other-host"));
    CHECK(failure(relay(elsewhere.port(), SmtpTls::starttls)) == "TLS: the server's certificate is not for 127.0.0.1");
    CHECK(elsewhere.commands() == Commands{"EHLO", "STARTTLS"}); // no AUTH, no MAIL
    CHECK(implicit.count() + elsewhere.count() == 0);
}

TEST_CASE("SMTP: refused credentials are final and no failure quotes the password", "[notify][smtp][tls]")
{
    // A careless relay that quotes back what it refuses, AUTH lines included.
    test::TcpTestServer echo(0, [](test::ServedConnection& c) {
        c.write("220 echo\r\n");
        int login_step = 0;
        while (auto line = c.read_until("\r\n")) {
            if (line->rfind("EHLO", 0) == 0) {
                c.write("250-echo\r\n250 AUTH PLAIN LOGIN\r\n");
            } else if (*line == "AUTH LOGIN\r\n" || login_step == 1) {
                c.write(login_step++ == 0 ? "334 VXNlcm5hbWU6\r\n" : "334 UGFzc3dvcmQ6\r\n");
            } else {
                c.write("535 5.7.8 refused " + *line);
            }
        }
    });
    auto r = relay(echo.port(), SmtpTls::none);
    r.allow_auth_without_tls = true;
    for (const char* mechanism : {"PLAIN", "LOGIN"}) {
        INFO(mechanism);
        r.auth_mechanism = mechanism;
        try {
            send_mail(r, message(), 5s);
            FAIL("no error");
        } catch (const SmtpError& e) {
            CHECK(e.code() == 535);
            CHECK(e.permanent());
            std::string text = e.what();
            CHECK_THAT(text, Catch::Contains("refused: 535 5.7.8 refused") && Catch::Contains("(secret)"));
            CHECK_THAT(text, !Catch::Contains(password) && !Catch::Contains(password_base64) &&
                                 !Catch::Contains(plain_token));
        }
    }
}
