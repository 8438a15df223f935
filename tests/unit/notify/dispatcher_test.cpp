// The dispatcher over a real database and writer, with a ManualClock and
// real local receivers: routing to people and channels, retries with
// back-off, quiet hours, escalation and a restart.
#include "notify/config_file.hpp"
#include "notify/dispatcher.hpp"
#include "notify/signature.hpp"

#include "base/metrics.hpp"
#include "store/alert_store.hpp"
#include "store/notification_store.hpp"
#include "store/operator_store.hpp"
#include "support/http_receiver.hpp"
#include "support/smtp_sink.hpp"
#include "support/temp_dir.hpp"
#include "support/test_certs.hpp"

#include <catch2/catch.hpp>

using namespace csms;
using namespace std::chrono_literals;

namespace {

std::string config_text(std::uint16_t hook_port, std::uint16_t smtp_port, const std::string& route_extra = "")
{
    return R"(
[delivery]
retry_min_s = 30
retry_max_s = 3600
max_attempts = 3

[[channel]]
name = "hook"
type = "webhook"
url = "http://127.0.0.1:)" +
           std::to_string(hook_port) + R"(/alerts"
secret = "a-secret-of-sixteen+"
timeout_s = 2

[[channel]]
name = "mail"
type = "email"
smtp = "127.0.0.1:)" +
           std::to_string(smtp_port) + R"("
from = "csms@example.com"
timeout_s = 2

[[channel]]
name = "inbox"
type = "inbox"

[[route]]
name = "hot"
min_severity = "warning"
to_roles = ["technical"]
to_operators = ["olga", "ghost"]
channels = ["hook", "mail", "inbox"]
)" + route_extra;
}

struct DispatcherFixture {
    test::TempDir dir;
    std::string path = dir.file("csms.db");
    base::Metrics metrics;
    store::Writer writer{path, store::Writer::Options{}, metrics};
    base::ManualClock clock; // 2026-01-01T00:00:00Z
    test::HttpReceiver hook;
    test::SmtpSink smtp;

    DispatcherFixture()
    {
        write([this](store::Database& db) {
            store::create_operator(db, "olga", "operations", std::nullopt, clock.now_utc());
            store::set_operator_contact(db, "olga", store::OperatorContact{"olga@example.com", std::nullopt});
            store::create_operator(db, "tom", "technical", std::nullopt, clock.now_utc()); // no e-mail
            store::create_operator(db, "carl", "customer_service", std::nullopt, clock.now_utc());
        });
    }

    std::unique_ptr<notify::Dispatcher> dispatcher(const std::string& route_extra = "")
    {
        auto config = std::make_shared<const notify::NotificationConfig>(
            notify::parse_notifications(config_text(hook.port(), smtp.port(), route_extra), "n.toml"));
        return std::make_unique<notify::Dispatcher>(path, config, writer, clock,
                                                    notify::Dispatcher::Options{.metrics = &metrics});
    }

    // One csms_notification_* sample, or -1 when the series does not exist.
    std::int64_t sample(const std::string& series) const
    {
        auto text = metrics.render_prometheus();
        auto at = text.find("\n" + series + " ");
        return at == std::string::npos ? -1 : std::stoll(text.substr(at + series.size() + 2));
    }

    void write(std::function<void(store::Database&)> work)
    {
        writer.submit(std::move(work), [](bool) {});
        writer.flush();
    }

    std::int64_t raise(const std::string& severity = "critical")
    {
        std::int64_t id = 0;
        write([&](store::Database& db) {
            id = store::raise_alert(db, store::AlertKey{"hot-connector", "CP-1", 1}, "threshold",
                                    *store::parse_alert_severity(severity), "Temperature = 82", clock.now_utc())
                     .first;
        });
        return id;
    }

    std::vector<store::DeliveryView> deliveries(std::int64_t alert_id)
    {
        store::Database reader(path, true);
        return store::list_deliveries(reader, alert_id);
    }

    // "channel recipient status attempts" per delivery, in id order.
    std::vector<std::string> summary(std::int64_t alert_id)
    {
        std::vector<std::string> out;
        for (const auto& d : deliveries(alert_id)) {
            out.push_back(d.event + " " + d.channel + " " + d.recipient + " " + d.status + " " +
                          std::to_string(d.attempts));
        }
        return out;
    }
};

} // namespace

TEST_CASE("Dispatcher: an opened alert reaches the webhook the mail sink and the inbox of routed people",
          "[notify][dispatcher]")
{
    DispatcherFixture f;
    auto d = f.dispatcher();
    auto id = f.raise();
    CHECK_FALSE(d->route_once());
    CHECK(f.summary(id) == std::vector<std::string>{
                               "opened hook hook pending 0",
                               "opened mail olga@example.com pending 0",
                               "opened mail tom suppressed 0", // no e-mail address
                               "opened mail ghost suppressed 0",
                               "opened inbox olga sent 0",
                               "opened inbox tom sent 0",
                               "opened inbox ghost suppressed 0",
                           });
    CHECK(f.deliveries(id)[2].last_error == "operator tom has no e-mail address");
    CHECK(f.deliveries(id)[3].last_error == "no enabled operator named ghost");

    CHECK(d->send_once() == 2);
    CHECK(f.summary(id)[0] == "opened hook hook sent 1");
    CHECK(f.summary(id)[1] == "opened mail olga@example.com sent 1");

    REQUIRE(f.hook.count() == 1);
    auto request = f.hook.requests()[0];
    CHECK(request.target == "/alerts");
    CHECK(request.header("x-csms-signature") == notify::signature_header_value("a-secret-of-sixteen+", request.body));
    CHECK_THAT(request.body, Catch::Contains(R"("event":"opened")") && Catch::Contains(R"("charger_id":"CP-1")") &&
                                 Catch::Contains(R"("rule":"hot-connector")") &&
                                 Catch::Contains(R"("severity":"critical")"));
    REQUIRE(f.smtp.count() == 1);
    CHECK(f.smtp.mails()[0].to == std::vector<std::string>{"olga@example.com"});
    CHECK_THAT(f.smtp.mails()[0].header("Subject"), Catch::Contains("opened: hot-connector at CP-1/1"));

    CHECK(d->send_once() == 0); // nothing is sent twice
    CHECK(f.sample(R"(csms_notification_deliveries_total{kind="webhook",result="sent"})") == 1);
    CHECK(f.sample(R"(csms_notification_deliveries_total{kind="email",result="sent"})") == 1);
    CHECK(f.sample(R"(csms_notification_deliveries_total{kind="email",result="suppressed"})") == 2);
    CHECK(f.sample(R"(csms_notification_deliveries_total{kind="inbox",result="sent"})") == 2);
    CHECK(f.sample(R"(csms_notification_deliveries_total{kind="inbox",result="suppressed"})") == 1);
    CHECK(f.sample(R"(csms_notification_attempt_failures_total{kind="webhook"})") == 0);
    // An inbox row is stored, never sent over a network: it cannot fail.
    CHECK(f.sample(R"(csms_notification_deliveries_total{kind="inbox",result="failed"})") == -1);
    CHECK(f.sample(R"(csms_notification_attempt_failures_total{kind="inbox"})") == -1);
    CHECK(f.sample(R"(csms_notification_deliveries_total{kind="webhook",result="suppressed"})") == -1);

    // Acknowledging and clearing are events too.
    f.write([&](store::Database& db) {
        store::acknowledge_alert(db, id, "olga", std::nullopt, f.clock.now_utc());
        store::clear_alert(db, store::AlertKey{"hot-connector", "CP-1", 1}, f.clock.now_utc());
    });
    d->route_once();
    CHECK(d->send_once() == 4);
    CHECK(f.hook.count() == 3);
    CHECK_THAT(f.hook.requests()[2].body, Catch::Contains(R"("event":"cleared")"));
}

TEST_CASE("Dispatcher: a dead channel is retried with back-off and fails for good after max_attempts",
          "[notify][dispatcher]")
{
    DispatcherFixture f;
    auto dead = test::free_loopback_port();
    auto config = std::make_shared<const notify::NotificationConfig>(
        notify::parse_notifications(config_text(dead, f.smtp.port()), "n.toml"));
    notify::Dispatcher d(f.path, config, f.writer, f.clock, notify::Dispatcher::Options{.metrics = &f.metrics});
    auto id = f.raise();
    d.route_once();
    CHECK(d.send_once() == 2); // the hook fails, the mail goes
    auto hook = f.deliveries(id)[0];
    CHECK(hook.status == "pending");
    CHECK(hook.attempts == 1);
    CHECK(hook.next_attempt_at == "2026-01-01T00:00:30.000Z");
    CHECK_THAT(*hook.last_error, Catch::Contains("connect"));

    CHECK(d.send_once() == 0); // not due yet
    f.clock.advance(30s);
    CHECK(d.send_once() == 1);
    CHECK(f.deliveries(id)[0].next_attempt_at == "2026-01-01T00:01:30.000Z"); // 60 s after the second failure
    f.clock.advance(60s);
    CHECK(d.send_once() == 1);
    CHECK(f.deliveries(id)[0].status == "failed"); // the third of max_attempts = 3
    CHECK(f.sample(R"(csms_notification_attempt_failures_total{kind="webhook"})") == 3);
    CHECK(f.sample(R"(csms_notification_deliveries_total{kind="webhook",result="failed"})") == 1);
    CHECK(f.sample(R"(csms_notification_deliveries_total{kind="webhook",result="sent"})") == 0);
    CHECK_FALSE(f.deliveries(id)[0].next_attempt_at);
    f.clock.advance(1h);
    CHECK(d.send_once() == 0);
}

TEST_CASE("Dispatcher: a receiver that comes up later gets the delivery on the next retry", "[notify][dispatcher]")
{
    DispatcherFixture f;
    auto port = test::free_loopback_port();
    auto config = std::make_shared<const notify::NotificationConfig>(
        notify::parse_notifications(config_text(port, f.smtp.port()), "n.toml"));
    notify::Dispatcher d(f.path, config, f.writer, f.clock, notify::Dispatcher::Options{});
    auto id = f.raise();
    d.route_once();
    d.send_once();
    CHECK(f.deliveries(id)[0].status == "pending");
    test::HttpReceiver late(port);
    f.clock.advance(30s);
    CHECK(d.send_once() == 1);
    CHECK(f.deliveries(id)[0].status == "sent");
    CHECK(f.deliveries(id)[0].attempts == 2);
    CHECK(late.count() == 1);
}

TEST_CASE("Dispatcher: an https webhook whose certificate names another host is a failed attempt with that reason",
          "[notify][dispatcher][tls]")
{
    DispatcherFixture f;
    const auto& certs = test::test_certs();
    test::HttpReceiver elsewhere(0, 200,
                                 test::TlsIdentity{certs.test_cert("other-host"), certs.test_key("other-host")});
    auto text = config_text(elsewhere.port(), f.smtp.port());
    const std::string url = "url = \"http://127.0.0.1:" + std::to_string(elsewhere.port()) + "/alerts\"";
    text.replace(text.find(url), url.size(),
                 "url = \"https://127.0.0.1:" + std::to_string(elsewhere.port()) + "/alerts\"\nca = \"" + certs.ca() +
                     "\"");
    auto config = std::make_shared<const notify::NotificationConfig>(notify::parse_notifications(text, "n.toml"));
    notify::Dispatcher d(f.path, config, f.writer, f.clock, notify::Dispatcher::Options{});
    auto id = f.raise();
    d.route_once();
    CHECK(d.send_once() == 2); // the hook fails, the mail goes
    auto hook = f.deliveries(id)[0];
    CHECK(hook.status == "pending"); // retried: the server's certificate may be fixed
    CHECK(hook.attempts == 1);
    CHECK(hook.last_error == "TLS: the server's certificate is not for 127.0.0.1");
    CHECK(elsewhere.count() == 0);
}

TEST_CASE("Dispatcher: quiet hours hold a warning and let a critical alert through", "[notify][dispatcher]")
{
    DispatcherFixture f; // 00:00 UTC is 08:00 at +08:00
    auto d = f.dispatcher("quiet_hours = { from = \"07:30\", to = \"09:00\", time_zone = \"+08:00\" }\n");
    auto warning = f.raise("warning");
    d->route_once();
    CHECK(d->send_once() == 0);
    CHECK(f.deliveries(warning)[0].next_attempt_at == "2026-01-01T01:00:00.000Z"); // 09:00 local
    CHECK(f.summary(warning)[4] == "opened inbox olga sent 0");                    // the inbox holds it quietly at once
    f.clock.advance(1h);
    CHECK(d->send_once() == 2);
}

TEST_CASE("Dispatcher: an alert left open escalates once to the escalation recipients", "[notify][dispatcher]")
{
    DispatcherFixture f;
    auto d = f.dispatcher("escalate_after_s = 600\nescalate_to_roles = [\"customer_service\"]\n"
                          "escalate_channels = [\"inbox\", \"hook\"]\n");
    auto id = f.raise();
    d->route_once();
    d->escalate_once();
    d->route_once();
    CHECK(f.deliveries(id).size() == 7); // not yet

    f.clock.advance(601s);
    d->escalate_once();
    d->escalate_once(); // once
    d->route_once();
    auto all = f.summary(id);
    REQUIRE(all.size() == 9);
    CHECK(all[7] == "escalated inbox carl sent 0");
    CHECK(all[8] == "escalated hook hook pending 0");

    // An acknowledged alert does not escalate.
    f.write([&](store::Database& db) { store::acknowledge_alert(db, id, "olga", std::nullopt, f.clock.now_utc()); });
    auto other = [&] {
        std::int64_t i = 0;
        f.write([&](store::Database& db) {
            i = store::raise_alert(db, store::AlertKey{"hot-connector", "CP-2", 1}, "threshold",
                                   store::AlertSeverity::critical, "hot", f.clock.now_utc())
                    .first;
            store::acknowledge_alert(db, i, "olga", std::nullopt, f.clock.now_utc());
        });
        return i;
    }();
    f.clock.advance(601s);
    d->escalate_once();
    d->route_once();
    for (const auto& line : f.summary(other)) {
        CHECK_THAT(line, !Catch::StartsWith("escalated"));
    }
}

TEST_CASE("Dispatcher: a restart resumes at its stored cursor and pending deliveries", "[notify][dispatcher]")
{
    DispatcherFixture f;
    auto first = f.dispatcher();
    auto id = f.raise();
    first->route_once();
    first.reset();
    auto second = f.dispatcher();
    CHECK_FALSE(second->route_once()); // routed before: nothing doubles
    CHECK(f.deliveries(id).size() == 7);
    CHECK(second->send_once() == 2);
    CHECK(f.hook.count() == 1);
}

TEST_CASE("Dispatcher: the first start leaves alert events from before it alone", "[notify][dispatcher]")
{
    DispatcherFixture f;
    auto old = f.raise();
    auto d = f.dispatcher();
    CHECK_FALSE(d->route_once());
    CHECK(f.deliveries(old).empty());
    f.write([&](store::Database& db) {
        store::clear_alert(db, store::AlertKey{"hot-connector", "CP-1", 1}, f.clock.now_utc());
    });
    d->route_once();
    CHECK(f.summary(old).front() == "cleared hook hook pending 0"); // news from here on
}

TEST_CASE("Dispatcher: a swapped config routes later events and fails deliveries of a removed channel",
          "[notify][dispatcher]")
{
    DispatcherFixture f;
    auto d = f.dispatcher();
    auto id = f.raise();
    d->route_once();
    auto hook_only = R"(
[[channel]]
name = "hook2"
type = "webhook"
url = "http://127.0.0.1:)" +
                     std::to_string(f.hook.port()) +
                     R"(/"
secret = "another-secret-16chars"

[[route]]
name = "all"
channels = ["hook2"]
)";
    d->set_config(std::make_shared<const notify::NotificationConfig>(notify::parse_notifications(hook_only, "b")));
    CHECK(d->send_once() == 2);
    auto rows = f.deliveries(id);
    CHECK(rows[0].status == "failed");
    CHECK(rows[0].last_error == "channel hook is no longer configured");
    f.write([&](store::Database& db) {
        store::clear_alert(db, store::AlertKey{"hot-connector", "CP-1", 1}, f.clock.now_utc());
    });
    d->route_once();
    CHECK(f.summary(id).back() == "cleared hook2 hook2 pending 0");
}
