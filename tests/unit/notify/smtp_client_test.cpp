#include "notify/smtp_client.hpp"
#include "notify/tcp_connection.hpp"

#include "support/smtp_sink.hpp"

#include <catch2/catch.hpp>

using namespace csms;
using namespace csms::notify;
using namespace std::chrono_literals;

namespace {

MailMessage message(std::string body)
{
    return MailMessage{
        "csms@example.com", "olga@example.com",           "[CSMS critical] opened: hot-connector at CP-1/1",
        std::move(body),    "<delivery-1.alert-1@csmsd>", base::SysTime{std::chrono::milliseconds{1'767'225'600'000}}};
}

SmtpRelay relay(std::uint16_t port)
{
    SmtpRelay r;
    r.host = "127.0.0.1";
    r.port = std::to_string(port);
    return r;
}

} // namespace

TEST_CASE("SMTP: a message goes through the whole dialogue to a sink", "[notify][smtp]")
{
    test::SmtpSink sink;
    send_mail(relay(sink.port()), message("Hot.\n.hidden line\nend\n"), 5s);
    REQUIRE(sink.count() == 1);
    auto mail = sink.mails()[0];
    CHECK(mail.from == "csms@example.com");
    CHECK(mail.to == std::vector<std::string>{"olga@example.com"});
    CHECK(mail.header("Subject") == "[CSMS critical] opened: hot-connector at CP-1/1");
    CHECK(mail.header("Date") == "Thu, 01 Jan 2026 00:00:00 +0000");
    CHECK(mail.header("To") == "<olga@example.com>");
    CHECK(mail.body() == "Hot.\r\n.hidden line\r\nend\r\n"); // dot-stuffed on the wire, whole again at the sink
}

TEST_CASE("SMTP: a subject that is not ASCII is encoded", "[notify][smtp]")
{
    auto m = message("x");
    m.subject = "过热";
    CHECK_THAT(format_mail(m), Catch::Contains("Subject: =?UTF-8?B?6L+H54Ot?=\r\n"));
}

TEST_CASE("SMTP: a refused recipient is final and a dead relay is worth a retry", "[notify][smtp]")
{
    test::SmtpSink sink;
    sink.set_rcpt_reply(550);
    try {
        send_mail(relay(sink.port()), message("x"), 5s);
        FAIL("no error");
    } catch (const SmtpError& e) {
        CHECK(e.code() == 550);
        CHECK(e.permanent());
        CHECK_THAT(e.what(), Catch::Contains("RCPT TO refused: 550 <(recipient)> no such mailbox"));
        CHECK_THAT(e.what(), !Catch::Contains("olga@example.com")); // personal data stays out of logs
    }
    sink.set_rcpt_reply(451);
    CHECK_THROWS_MATCHES(send_mail(relay(sink.port()), message("x"), 5s), SmtpError,
                         Catch::Predicate<SmtpError>([](const SmtpError& e) { return !e.permanent(); }));

    auto closed = test::free_loopback_port();
    CHECK_THROWS_AS(send_mail(relay(closed), message("x"), 5s), NetworkError);
}

TEST_CASE("SMTP: a relay that never answers costs the timeout and no more", "[notify][smtp]")
{
    // Accepts, then says nothing until the client gives up.
    test::TcpTestServer silent(0, [](test::ServedConnection& c) { c.read_until("QUIT"); });
    auto started = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(send_mail(relay(silent.port()), message("x"), 300ms), Catch::Contains("timed out"));
    CHECK(std::chrono::steady_clock::now() - started < 3s);
}
