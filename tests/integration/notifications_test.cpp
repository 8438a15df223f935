// Notifications as an operator meets them: a rules file and a notifications
// file given to csmsd, an over-temperature charger, and the alert arriving at
// a real webhook receiver, SMTP sink and SMS gateway that the test runs, and
// in the inbox of the routed people only. Receivers that are down get the
// delivery when they come up, also across a csmsd restart, once.
#include "notify/signature.hpp"
#include "support/admin_server.hpp"
#include "support/charger.hpp"
#include "support/csmsctl_run.hpp"
#include "support/csmsd_process.hpp"
#include "support/http_receiver.hpp"
#include "support/smtp_sink.hpp"
#include "support/test_certs.hpp"
#include "support/test_db.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <csignal>
#include <fstream>

using namespace csms::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* secret = "webhook-secret-0123456789";

constexpr const char* rules_toml = R"(
[[rule]]
name = "hot-connector"
kind = "threshold"
measurand = "Temperature"
above = 70
for_s = 30
severity = "critical"
)";

// Ports of the receivers, known before they run.
struct Ports {
    std::uint16_t hook = free_loopback_port();
    std::uint16_t sms = free_loopback_port();
    std::uint16_t smtp = free_loopback_port();
};

std::vector<std::string> configure(const TempDir& dir, const Ports& ports)
{
    std::ofstream(dir.file("rules.toml")) << rules_toml;
    std::ofstream(dir.file("notifications.toml")) << R"(
[delivery]
retry_min_s = 0.2
retry_max_s = 0.5
max_attempts = 1000

[[channel]]
name = "ops-hook"
type = "webhook"
url = "http://127.0.0.1:)" << ports.hook << R"(/csms/alerts"
secret = ")" << secret << R"("
timeout_s = 2

[[channel]]
name = "mail"
type = "email"
smtp = "127.0.0.1:)" << ports.smtp << R"("
from = "csms@example.com"
timeout_s = 2

[[channel]]
name = "sms"
type = "sms"
url = "http://127.0.0.1:)" << ports.sms << R"(/send"
body = '{"to":"{to}","text":"{text}"}'
api_key_header = "X-Api-Key"
api_key = "gateway-key"
timeout_s = 2

[[channel]]
name = "inbox"
type = "inbox"

[[route]]
name = "hot-to-technicians"
min_severity = "warning"
rules = ["hot-connector"]
to_roles = ["technical"]
channels = ["ops-hook", "mail", "sms", "inbox"]
)";
    std::ofstream(dir.file("csmsd.toml"))
        << "[rules]\nfile = \"" << dir.file("rules.toml") << "\"\n[notifications]\nfile = \""
        << dir.file("notifications.toml") << "\"\n";
    return {"--config", dir.file("csmsd.toml")};
}

std::string temperature(std::int64_t offset_ms, int celsius)
{
    return R"({"connectorId":1,"meterValue":[{"timestamp":")" + test_time(offset_ms) +
           R"(","sampledValue":[{"value":")" + std::to_string(celsius) +
           R"(","measurand":"Temperature","unit":"Celsius"}]}]})";
}

// Hot for 40 s: the rule's 30 s hold has passed and the alert opens.
void overheat(std::uint16_t ws_port, const std::string& charger_id)
{
    auto cp = accepted_charger(ws_port, charger_id);
    cp->call("MeterValues", temperature(0, 80));
    cp->call("MeterValues", temperature(40'000, 82));
}

struct NotifyServer {
    TempDir dir;
    Ports ports;
    AdminServer admin{dir, true, configure(dir, ports)};
    std::string tess; // technical: routed
    std::string olga; // operations: not routed

    NotifyServer()
    {
        auto added = admin.call("POST", "/api/v1/operators", admin.root_token,
                                R"({"name":"tess","role":"technical","email":"tess@example.com",)"
                                R"("mobile":"+8613800000001"})");
        REQUIRE(added.status == 201);
        tess = AdminServer::parse(added.body)["token"].GetString();
        olga = admin.add_operator("olga", "operations");
    }

    std::int64_t alert_id()
    {
        TestDb db(admin.csmsd->db_path());
        return db.scalar("SELECT ifnull(max(id), 0) FROM alerts");
    }

    // "channel status" per delivery of the newest alert, e.g. "mail sent".
    std::vector<TestDb::Row> deliveries()
    {
        TestDb db(admin.csmsd->db_path());
        return db.rows("SELECT channel, status FROM notification_deliveries ORDER BY id");
    }

    std::int64_t least_attempts()
    {
        TestDb db(admin.csmsd->db_path());
        return db.scalar("SELECT ifnull(min(attempts), 0) FROM notification_deliveries WHERE channel != 'inbox'");
    }

    bool all_sent()
    {
        TestDb db(admin.csmsd->db_path());
        return db.scalar("SELECT count(*) FROM notification_deliveries") == 4 &&
               db.scalar("SELECT count(*) FROM notification_deliveries WHERE status = 'sent'") == 4;
    }
};

} // namespace

TEST_CASE("Notifications: an over-temperature alert reaches the webhook e-mail SMS and the routed inbox",
          "[e2e][notifications]")
{
    NotifyServer s;
    HttpReceiver hook(s.ports.hook);
    HttpReceiver sms(s.ports.sms);
    SmtpSink smtp(s.ports.smtp);
    overheat(s.admin.csmsd->ws_port(), "HOT-1");

    REQUIRE(wait_until([&] { return hook.count() == 1 && sms.count() == 1 && smtp.count() == 1; }, 20s));
    auto id = s.alert_id();
    REQUIRE(id > 0);

    auto request = hook.requests()[0];
    CHECK(request.method == "POST");
    CHECK(request.target == "/csms/alerts");
    CHECK(request.header("content-type") == "application/json");
    CHECK(request.header("x-csms-signature") == csms::notify::signature_header_value(secret, request.body));
    auto doc = AdminServer::parse(request.body);
    CHECK(doc["alert_id"].GetInt64() == id);
    CHECK(std::string(doc["event"].GetString()) == "opened");
    CHECK(std::string(doc["rule"].GetString()) == "hot-connector");
    CHECK(std::string(doc["severity"].GetString()) == "critical");
    CHECK(std::string(doc["charger_id"].GetString()) == "HOT-1");
    CHECK(doc["connector_id"].GetInt() == 1);
    CHECK(std::string(doc["state"].GetString()) == "open");

    auto mail = smtp.mails()[0];
    CHECK(mail.from == "csms@example.com");
    CHECK(mail.to == std::vector<std::string>{"tess@example.com"});
    CHECK(mail.header("Subject") == "[CSMS critical] opened: hot-connector at HOT-1/1");
    CHECK_THAT(mail.body(), Catch::Contains("Alert " + std::to_string(id) + " opened"));

    auto text = sms.requests()[0];
    CHECK(text.target == "/send");
    CHECK(text.header("x-api-key") == "gateway-key");
    auto sms_doc = AdminServer::parse(text.body);
    CHECK(std::string(sms_doc["to"].GetString()) == "+8613800000001");
    CHECK_THAT(sms_doc["text"].GetString(), Catch::StartsWith("CSMS critical opened: hot-connector HOT-1/1"));

    // The inbox: tess was routed, olga was not.
    auto inbox = AdminServer::parse(s.admin.call("GET", "/api/v1/inbox", s.tess).body);
    REQUIRE(inbox["items"].Size() == 1);
    auto message_id = std::to_string(inbox["items"][0]["message_id"].GetInt64());
    CHECK(inbox["items"][0]["alert_id"].GetInt64() == id);
    CHECK(inbox["items"][0]["read_at"].IsNull());
    CHECK(AdminServer::parse(s.admin.call("GET", "/api/v1/inbox", s.olga).body)["items"].Size() == 0);
    CHECK(s.admin.call("POST", "/api/v1/inbox/" + message_id + "/read", s.olga).status == 404);
    CHECK(s.admin.call("POST", "/api/v1/inbox/" + message_id + "/read", s.tess).status == 200);
    CHECK(AdminServer::parse(s.admin.call("GET", "/api/v1/inbox?unread=1", s.tess).body)["items"].Size() == 0);

    // Delivery status per alert, addresses masked.
    REQUIRE(wait_until([&] { return s.all_sent(); }, 10s));
    auto deliveries = s.admin.call("GET", "/api/v1/alerts/" + std::to_string(id) + "/deliveries", s.olga);
    REQUIRE(deliveries.status == 200);
    auto rows = AdminServer::parse(deliveries.body);
    REQUIRE(rows["items"].Size() == 4);
    std::vector<std::string> seen;
    for (const auto& row : rows["items"].GetArray()) {
        seen.push_back(std::string(row["channel"].GetString()) + " " + row["recipient"].GetString() + " " +
                       row["status"].GetString() + " " + std::to_string(row["attempts"].GetInt()));
    }
    CHECK(seen == std::vector<std::string>{"ops-hook ops-hook sent 1", "mail t***@example.com sent 1",
                                           "sms +86*******0001 sent 1", "inbox tess sent 0"});
    CHECK(s.admin.call("GET", "/api/v1/alerts/999/deliveries", s.olga).status == 404);
    TestDb db(s.admin.csmsd->db_path());
    CHECK(db.scalar("SELECT personal_data FROM audit_log WHERE action = 'alerts.deliveries' AND status = 200") == 1);

    // csmsctl shows the same.
    auto ctl = [&](std::vector<std::string> args) {
        return run_csmsctl(s.dir, s.admin.csmsd->admin_port(), s.admin.root_token_file(), args);
    };
    auto table = ctl({"alerts", "deliveries", std::to_string(id)});
    REQUIRE(table.status.success());
    CHECK_THAT(table.out, Catch::Contains("RECIPIENT") && Catch::Contains("t***@example.com") &&
                              Catch::Contains("sent") && !Catch::Contains("tess@example.com"));
    auto root_inbox = ctl({"--json", "inbox", "--unread"});
    REQUIRE(root_inbox.status.success());
    CHECK(AdminServer::parse(root_inbox.out)["items"].Size() == 0); // root is an admin: not routed

    auto bad = ctl({"operators", "contact", "tess", "--email", "not-an-address"});
    CHECK_FALSE(bad.status.success());
    CHECK_THAT(bad.errors, Catch::Contains("bad_request") && Catch::Contains("is not an e-mail address"));
    auto cleared = ctl({"--json", "operators", "contact", "tess", "--clear-mobile"});
    REQUIRE(cleared.status.success());
    auto tess = AdminServer::parse(cleared.out);
    CHECK(std::string(tess["email"].GetString()) == "tess@example.com");
    CHECK(tess["mobile"].IsNull());
    CHECK(db.scalar("SELECT count(*) FROM audit_log WHERE action = 'operators.contact' AND personal_data = 1") == 2);
}

TEST_CASE("Notifications: receivers that are down get the delivery when they come up", "[e2e][notifications]")
{
    NotifyServer s;
    overheat(s.admin.csmsd->ws_port(), "HOT-2");
    // Retried while nobody listens.
    REQUIRE(wait_until([&] { return s.least_attempts() >= 2; }, 20s));
    HttpReceiver hook(s.ports.hook);
    HttpReceiver sms(s.ports.sms);
    SmtpSink smtp(s.ports.smtp);
    REQUIRE(wait_until([&] { return s.all_sent(); }, 20s));
    CHECK(hook.count() == 1);
    CHECK(sms.count() == 1);
    CHECK(smtp.count() == 1);
}

TEST_CASE("Notifications: pending deliveries survive a csmsd restart and arrive once", "[e2e][notifications]")
{
    NotifyServer s;
    overheat(s.admin.csmsd->ws_port(), "HOT-3");
    REQUIRE(wait_until([&] { return s.least_attempts() >= 1; }, 20s));
    s.admin.csmsd->signal(SIGTERM);
    REQUIRE(s.admin.csmsd->wait_exit(20s));
    CHECK(s.deliveries() == std::vector<TestDb::Row>{
                                {"ops-hook", "pending"}, {"mail", "pending"}, {"sms", "pending"}, {"inbox", "sent"}});

    HttpReceiver hook(s.ports.hook);
    HttpReceiver sms(s.ports.sms);
    SmtpSink smtp(s.ports.smtp);
    CsmsdOptions options;
    options.db_path = s.admin.csmsd->db_path();
    options.extra_args = {"--config", s.dir.file("csmsd.toml")};
    s.admin.csmsd = std::make_unique<CsmsdProcess>(s.dir, options);
    REQUIRE(wait_until([&] { return s.all_sent(); }, 20s));
    CHECK(hook.count() == 1);
    CHECK(sms.count() == 1);
    CHECK(smtp.count() == 1);
}

TEST_CASE("Notifications: an https webhook and a STARTTLS relay with AUTH get the alert; the password is never logged",
          "[e2e][notifications][tls]")
{
    const auto& certs = test_certs();
    const std::string password = "relay-password-4711";
    const std::string wrong = "not-the-password-0815";
    HttpReceiver hook(0, 200, TlsIdentity{certs.server_cert(), certs.server_key()});
    SmtpSinkOptions relay{TlsIdentity{certs.server_cert(), certs.server_key()}, false, "csms", password};
    SmtpSink smtp(0, relay);

    TempDir dir;
    std::ofstream(dir.file("relay.password"), std::ios::binary) << password << "\n";
    std::ofstream(dir.file("wrong.password"), std::ios::binary) << wrong << "\n";
    std::ofstream(dir.file("rules.toml")) << rules_toml;
    auto mail_channel = [&](const std::string& name, const std::string& password_file) {
        return "[[channel]]\nname = \"" + name +
               "\"\ntype = \"email\"\nsmtp = \"127.0.0.1:" + std::to_string(smtp.port()) +
               "\"\nfrom = \"csms@example.com\"\ntls = \"starttls\"\nca = \"" + certs.ca() +
               "\"\nuser = \"csms\"\npassword_file = \"" + dir.file(password_file) + "\"\ntimeout_s = 2\n";
    };
    std::ofstream(dir.file("notifications.toml"))
        << "[[channel]]\nname = \"ops-hook\"\ntype = \"webhook\"\nurl = \"https://localhost:" << hook.port()
        << "/csms/alerts\"\nca = \"" << certs.ca() << "\"\nsecret = \"" << secret << "\"\ntimeout_s = 2\n"
        << mail_channel("mail", "relay.password") << mail_channel("mail-wrong", "wrong.password")
        << "[[route]]\nname = \"hot\"\nto_roles = [\"technical\"]\nchannels = [\"ops-hook\", \"mail\", "
           "\"mail-wrong\"]\n";
    std::ofstream(dir.file("csmsd.toml"))
        << "[rules]\nfile = \"" << dir.file("rules.toml") << "\"\n[notifications]\nfile = \""
        << dir.file("notifications.toml") << "\"\n";
    AdminServer admin(dir, true, {"--config", dir.file("csmsd.toml")});
    auto added = admin.call("POST", "/api/v1/operators", admin.root_token,
                            R"({"name":"tess","role":"technical","email":"tess@example.com"})");
    REQUIRE(added.status == 201);
    overheat(admin.csmsd->ws_port(), "HOT-TLS");

    auto settled = [&] {
        TestDb db(admin.csmsd->db_path());
        return db.scalar("SELECT count(*) FROM notification_deliveries WHERE status != 'pending'") == 3;
    };
    REQUIRE(wait_until(settled, 20s));
    TestDb db(admin.csmsd->db_path());
    CHECK(db.rows("SELECT channel, status FROM notification_deliveries ORDER BY id") ==
          std::vector<TestDb::Row>{{"ops-hook", "sent"}, {"mail", "sent"}, {"mail-wrong", "failed"}});
    REQUIRE(hook.count() == 1);
    CHECK(hook.requests()[0].header("x-csms-signature") ==
          csms::notify::signature_header_value(secret, hook.requests()[0].body));
    REQUIRE(smtp.count() == 1);
    CHECK(smtp.mails()[0].encrypted);
    CHECK(smtp.mails()[0].user == "csms");
    CHECK(smtp.mails()[0].to == std::vector<std::string>{"tess@example.com"});

    auto last_error = db.rows("SELECT last_error FROM notification_deliveries WHERE channel = 'mail-wrong'");
    REQUIRE(last_error.size() == 1);
    CHECK_THAT(last_error[0][0], Catch::Contains("535"));
    auto log = read_text_file(admin.csmsd->log_path());
    CHECK_THAT(log, Catch::Contains("attempt 1 failed for good: SMTP AUTH PLAIN refused: 535"));
    for (const auto& text : {log, last_error[0][0]}) {
        CHECK_THAT(text, !Catch::Contains(password) && !Catch::Contains(wrong));
    }
}

TEST_CASE("Notifications: a bad notifications file stops csmsd with its file and line", "[e2e][notifications]")
{
    TempDir dir;
    std::ofstream(dir.file("n.toml")) << "[[channel]]\nname = \"x\"\ntype = \"webhook\"\nurl = \"ftp://x\"\n";
    std::ofstream(dir.file("csmsd.toml")) << "[notifications]\nfile = \"" << dir.file("n.toml") << "\"\n";
    auto r = run_program({bin_path("csmsd"), "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--db",
                          dir.file("csms.db"), "--config", dir.file("csmsd.toml")},
                         dir.file("csmsd.err"), 20s);
    CHECK_FALSE(r.status.success());
    CHECK_THAT(r.errors, Catch::Contains("n.toml:4") && Catch::Contains("url must start with http://"));
}
