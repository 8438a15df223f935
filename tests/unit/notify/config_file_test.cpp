#include "notify/config_file.hpp"

#include "support/operator_file_text.hpp"
#include "support/temp_dir.hpp"
#include "support/test_certs.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

using namespace csms::notify;

namespace {

constexpr const char* good = R"(
[delivery]
retry_min_s = 0.5
retry_max_s = 60
max_attempts = 4

[[channel]]
name = "ops-hook"
type = "webhook"
url = "http://127.0.0.1:9000/alerts"
secret = "0123456789abcdef-secret"
timeout_s = 2

[[channel]]
name = "mail"
type = "email"
smtp = "127.0.0.1:2525"
from = "csms@example.com"

[[channel]]
name = "sms"
type = "sms"
url = "http://127.0.0.1:9001/send"
body = '{"to":"{to}","text":"{text}"}'
api_key_header = "X-Api-Key"
api_key = "k"

[[channel]]
name = "inbox"
type = "inbox"

[[route]]
name = "hot"
min_severity = "warning"
rules = ["hot-connector"]
to_roles = ["technical"]
to_operators = ["olga"]
channels = ["mail", "sms", "inbox", "ops-hook"]
quiet_hours = { from = "22:00", to = "07:00", time_zone = "+08:00" }
escalate_after_s = 900
escalate_to_roles = ["admin"]
escalate_channels = ["mail"]

[[route]]
name = "everything-to-the-hook"
channels = ["ops-hook"]
)";

std::string error_of(const std::string& text)
{
    return csms::test::parse_error<NotificationFileError>([&] { parse_notifications(text, "n.toml"); });
}

// The good file with one line replaced.
std::string with(const std::string& from, const std::string& to)
{
    std::string text = good;
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

} // namespace

TEST_CASE("Notifications file: a complete file is read with every field", "[notify][config]")
{
    auto config = parse_notifications(good, "n.toml");
    CHECK(config.delivery.retry_min == std::chrono::milliseconds(500));
    CHECK(config.delivery.retry_max == std::chrono::seconds(60));
    CHECK(config.delivery.max_attempts == 4);
    REQUIRE(config.channels.size() == 4);
    const auto* hook = config.channel("ops-hook");
    REQUIRE(hook != nullptr);
    CHECK(hook->type == ChannelType::webhook);
    CHECK(hook->target.host == "127.0.0.1");
    CHECK(hook->target.port == "9000");
    CHECK(hook->target.path == "/alerts");
    CHECK(hook->timeout == std::chrono::seconds(2));
    CHECK(config.channel("mail")->smtp.port == "2525");
    CHECK(config.channel("mail")->smtp.tls == SmtpTls::none);
    CHECK(config.channel("mail")->smtp.username.empty());
    CHECK(config.channel("sms")->api_key_header == "X-Api-Key");
    REQUIRE(config.routes.size() == 2);
    const auto& hot = config.routes[0];
    CHECK(hot.min_severity == Severity::warning);
    CHECK(hot.to.roles == std::vector<std::string>{"technical"});
    CHECK(hot.to.channels.size() == 4);
    REQUIRE(hot.quiet_hours);
    CHECK(hot.quiet_hours->start_minute == 22 * 60);
    CHECK(hot.quiet_hours->end_minute == 7 * 60);
    CHECK(hot.quiet_hours->utc_offset == std::chrono::hours(8));
    CHECK(hot.escalate_after == std::chrono::seconds(900));
    CHECK(hot.escalate_to.channels == std::vector<std::string>{"mail"});
    CHECK(config.routes[1].events.size() == 3);
}

TEST_CASE("Notifications file: each mistake names the file line and field", "[notify][config]")
{
    CHECK(error_of(with("timeout_s = 2", "timeout = 2")) ==
          "n.toml:12: channel 'ops-hook': unknown key 'timeout' (known: name, type, url, ca, secret or timeout_s)");
    CHECK(error_of(with("http://127.0.0.1:9000/alerts", "ftp://example.com/x")) ==
          "n.toml:10: channel 'ops-hook': url must start with http:// or https://");
    CHECK_THAT(error_of(with("0123456789abcdef-secret", "short")),
               Catch::StartsWith("n.toml:11: channel 'ops-hook': secret must have at least 16 characters"));
    CHECK_THAT(error_of(with("smtp = \"127.0.0.1:2525\"", "smtp = \"relay\"")),
               Catch::StartsWith("n.toml:17: channel 'mail': smtp must be HOST:PORT"));
    CHECK_THAT(error_of(with("'{\"to\":\"{to}\",\"text\":\"{text}\"}'", "'{text}'")),
               Catch::StartsWith("n.toml:24: channel 'sms': body must contain both {to} and {text}"));
    CHECK_THAT(
        error_of(with("type = \"inbox\"", "type = \"pager\"")),
        Catch::StartsWith("n.toml:30: channel 'inbox': type 'pager' is not one of webhook, email, sms or inbox"));
    CHECK_THAT(error_of(with("min_severity = \"warning\"", "min_severity = \"loud\"")),
               Catch::StartsWith("n.toml:34: route 'hot': min_severity 'loud' is not"));
    CHECK_THAT(error_of(with("to_roles = [\"technical\"]", "to_roles = [\"janitor\"]")),
               Catch::StartsWith("n.toml:36: route 'hot': to_roles[0] 'janitor' is not a role"));
    CHECK_THAT(error_of(with("channels = [\"mail\", \"sms\", \"inbox\", \"ops-hook\"]", "channels = [\"fax\"]")),
               Catch::StartsWith("n.toml:38: route 'hot': channels[0] 'fax' is not a [[channel]] of this file"));
    CHECK_THAT(error_of(with("to = \"07:00\"", "to = \"7am\"")),
               Catch::StartsWith("n.toml:39: route 'hot': quiet_hours.to must be a local time \"HH:MM\""));
    CHECK_THAT(error_of(with("time_zone = \"+08:00\"", "time_zone = \"Asia/Shanghai\"")),
               Catch::StartsWith("n.toml:39: route 'hot': quiet_hours.time_zone must be \"UTC\" or an offset"));
    CHECK_THAT(error_of(with("escalate_channels = [\"mail\"]", "")),
               Catch::StartsWith("n.toml:41: route 'hot': people without channels get nothing: give "
                                 "escalate_channels"));
    CHECK_THAT(error_of(with("escalate_to_roles = [\"admin\"]\nescalate_channels = [\"mail\"]", "")),
               Catch::StartsWith("n.toml:40: route 'hot': escalate_after_s needs escalate_channels"));
    CHECK_THAT(error_of(with("channels = [\"ops-hook\"]", "channels = [\"mail\"]")),
               Catch::StartsWith("n.toml:46: route 'everything-to-the-hook': channels 'mail' addresses people"));
    CHECK_THAT(error_of(with("name = \"everything-to-the-hook\"", "name = \"hot\"")),
               Catch::StartsWith("n.toml:44: route 'hot': name is already used by the route at line 32"));
    CHECK_THAT(error_of(with("max_attempts = 4", "max_attempts = 0")),
               Catch::StartsWith("n.toml:5: delivery: max_attempts must be a whole number from 1 to 1000"));
    CHECK_THAT(error_of("[route]\nname = \"x\"\n"), Catch::StartsWith("n.toml:1: route must be written [[route]]"));
    CHECK_THAT(error_of("[[rule]]\n"), Catch::StartsWith("n.toml:1: unknown top-level key 'rule'"));
    CHECK_THAT(error_of("[[channel]\n"), Catch::StartsWith("n.toml:1: invalid TOML"));
}

TEST_CASE("Notifications file: https URLs and SMTP over TLS with AUTH are read", "[notify][config][tls]")
{
    const auto ca = csms::test::test_certs().ca();
    csms::test::TempDir dir;
    std::ofstream(dir.file("relay.password")) << "  relay-pass \n";
    ::setenv("CSMS_TEST_RELAY_PASSWORD", "env-pass", 1);
    auto config = parse_notifications(csms::test::toml_lines({
                                          "[[channel]]",
                                          "name = \"hook\"",
                                          "type = \"webhook\"",
                                          "url = \"https://hooks.example.com/csms\"",
                                          "ca = \"" + ca + "\"",
                                          "secret = \"0123456789abcdef-secret\"",
                                          "[[channel]]",
                                          "name = \"relay\"",
                                          "type = \"email\"",
                                          "smtp = \"smtp.example.com:587\"",
                                          "from = \"csms@example.com\"",
                                          "tls = \"starttls\"",
                                          "user = \"csms\"",
                                          "password_file = \"" + dir.file("relay.password") + "\"",
                                          "[[channel]]",
                                          "name = \"relay-465\"",
                                          "type = \"email\"",
                                          "smtp = \"smtp.example.com:465\"",
                                          "from = \"csms@example.com\"",
                                          "tls = \"implicit\"",
                                          "ca = \"" + ca + "\"",
                                          "user = \"csms\"",
                                          "password_env = \"CSMS_TEST_RELAY_PASSWORD\"",
                                          "auth = \"login\"",
                                      }),
                                      "n.toml");
    const auto* hook = config.channel("hook");
    CHECK(hook->target.tls);
    CHECK(hook->target.host == "hooks.example.com");
    CHECK(hook->target.port == "443");
    CHECK(hook->target.ca_file == ca);
    const auto& relay = config.channel("relay")->smtp;
    CHECK(relay.tls == SmtpTls::starttls);
    CHECK(relay.ca_file.empty()); // the system's trust store
    CHECK(relay.username == "csms");
    CHECK(relay.password == "relay-pass"); // the first line, without blanks
    CHECK(relay.auth_mechanism.empty());
    const auto& implicit = config.channel("relay-465")->smtp;
    CHECK(implicit.tls == SmtpTls::implicit);
    CHECK(implicit.ca_file == ca);
    CHECK(implicit.password == "env-pass");
    CHECK(implicit.auth_mechanism == "LOGIN");
}

TEST_CASE("Notifications file: TLS and AUTH mistakes name the line and never the password", "[notify][config][tls]")
{
    csms::test::TempDir dir;
    std::ofstream(dir.file("relay.password")) << "relay-pass\n";
    std::ofstream(dir.file("empty.password")) << "\n";
    ::unsetenv("CSMS_TEST_UNSET_PASSWORD");
    const std::string relay = csms::test::toml_lines({
        "[[channel]]",
        "name = \"relay\"",
        "type = \"email\"",
        "smtp = \"smtp.example.com:587\"",
        "from = \"csms@example.com\"",
        "tls = \"starttls\"",
        "user = \"csms\"",
        "password_file = \"" + dir.file("relay.password") + "\"",
    });
    auto relay_with = [&](const std::string& from, const std::string& to) {
        std::string text = relay;
        auto at = text.find(from);
        REQUIRE(at != std::string::npos);
        return error_of(text.replace(at, from.size(), to));
    };
    std::vector<std::string> errors{
        relay_with("tls = \"starttls\"", "tls = \"ssl\""),
        relay_with("tls = \"starttls\"", "tls = \"none\""),
        relay_with("tls = \"starttls\"", "starttls = true"),
        relay_with("password_file = \"" + dir.file("relay.password") + "\"", "password = \"relay-pass\""),
        relay_with("password_file = \"" + dir.file("relay.password") + "\"", ""),
        relay_with("relay.password", "missing.password"),
        relay_with("relay.password", "empty.password"),
        relay_with("password_file = \"" + dir.file("relay.password") + "\"",
                   "password_env = \"CSMS_TEST_UNSET_PASSWORD\""),
        relay_with("user = \"csms\"", "user = \"csms\"\nauth = \"cram-md5\""),
        relay_with("user = \"csms\"", "user = \"csms\"\nca = \"" + dir.file("relay.password") + "\""),
        relay_with("tls = \"starttls\"\nuser = \"csms\"", "ca = \"" + dir.file("relay.password") + "\""),
    };
    CHECK(errors[0] == "n.toml:6: channel 'relay': tls 'ssl' is not none, starttls or implicit");
    CHECK_THAT(errors[1], Catch::StartsWith("n.toml:7: channel 'relay': AUTH would send the password in plain text"));
    CHECK(errors[2] == "n.toml:6: channel 'relay': starttls is written tls = \"starttls\" (or \"implicit\", or "
                       "\"none\")");
    CHECK(errors[3] == "n.toml:8: channel 'relay': the password is not written in this file: give password_file or "
                       "password_env");
    CHECK_THAT(errors[4], Catch::StartsWith("n.toml:7: channel 'relay': user goes with password_file or password_env"));
    CHECK(errors[5] ==
          "n.toml:8: channel 'relay': password_file '" + dir.file("missing.password") + "' cannot be read");
    CHECK(errors[6] == "n.toml:8: channel 'relay': password_file '" + dir.file("empty.password") + "' is empty");
    CHECK(errors[7] ==
          "n.toml:8: channel 'relay': password_env 'CSMS_TEST_UNSET_PASSWORD' is not set in csmsd's environment");
    CHECK(errors[8] == "n.toml:8: channel 'relay': auth 'cram-md5' is not plain or login");
    CHECK_THAT(errors[9], Catch::StartsWith("n.toml:8: channel 'relay': ca '" + dir.file("relay.password") +
                                            "' cannot be used: "));
    CHECK(errors[10] == "n.toml:6: channel 'relay': ca needs tls = \"starttls\" or \"implicit\"");
    for (const auto& e : errors) {
        CHECK_THAT(e, !Catch::Contains("relay-pass"));
    }

    CHECK(error_of(with("url = \"http://127.0.0.1:9000/alerts\"",
                        "url = \"http://127.0.0.1:9000/alerts\"\nca = \"/etc/ssl/x.pem\"")) ==
          "n.toml:11: channel 'ops-hook': ca is for an https:// url");
}

TEST_CASE("Notifications file: an unreadable file says so", "[notify][config]")
{
    CHECK_THROWS_WITH(load_notification_file("/nonexistent/n.toml"),
                      Catch::StartsWith("/nonexistent/n.toml: cannot read the notifications file"));
}

TEST_CASE("Notifications file: the examples in docs/notifications.md parse", "[notify][config]")
{
    std::ifstream in(std::string(CSMS_SCHEMA_DIR) + "/../docs/notifications.md");
    REQUIRE(in);
    ::setenv("CSMS_SMTP_PASSWORD", "from-the-environment", 1); // the production relay's password_env
    std::vector<NotificationConfig> examples;
    std::string block;
    bool in_block = false;
    for (std::string line; std::getline(in, line);) {
        if (!in_block && line == "```toml") {
            in_block = true;
            block.clear();
        } else if (in_block && line == "```") {
            in_block = false;
            INFO(block);
            examples.push_back(parse_notifications(block, "docs/notifications.md"));
        } else if (in_block) {
            block += line + "\n";
        }
    }
    REQUIRE(examples.size() == 2);
    CHECK(examples[0].channels.size() == 4); // the file
    CHECK(examples[0].routes.size() == 1);
    const auto* relay = examples[1].channel("mail"); // a production relay and an https webhook
    REQUIRE(relay != nullptr);
    CHECK(relay->smtp.tls == SmtpTls::starttls);
    CHECK(relay->smtp.password == "from-the-environment");
    CHECK(examples[1].channel("ops-hook")->target.tls);
}
