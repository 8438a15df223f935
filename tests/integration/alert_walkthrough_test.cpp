// docs/operators.md "Alerts: from a rule to a cleared alert", followed with
// the real binaries: a rules file and a notifications file given to csmsd, a
// technician with an e-mail address, ocpp-sim over-heating, the webhook and
// the e-mail received by real local servers, csmsctl acknowledging the
// alert, and the alert clearing itself when the charger cools down.
#include "support/admin_bootstrap.hpp"
#include "support/csmsctl_run.hpp"
#include "support/csmsd_process.hpp"
#include "support/http_get.hpp"
#include "support/http_receiver.hpp"
#include "support/smtp_sink.hpp"
#include "support/wait_until.hpp"

#include "notify/signature.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <fstream>

using namespace csms::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* secret = "a-shared-secret-of-16+chars";

rapidjson::Document parse(const std::string& text)
{
    rapidjson::Document doc;
    doc.Parse(text.c_str(), text.size());
    REQUIRE_FALSE(doc.HasParseError());
    return doc;
}

struct Walkthrough {
    TempDir dir;
    HttpReceiver monitoring;
    SmtpSink relay;
    std::unique_ptr<CsmsdProcess> csmsd;
    std::string token;
    int runs = 0;

    // Steps 1 to 3: the two files and csmsd's configuration.
    Walkthrough()
    {
        std::ofstream(dir.file("rules.toml")) << R"([[rule]]
name = "hot-connector"
kind = "threshold"
measurand = "Temperature"
above = 70
severity = "critical"
)";
        std::ofstream(dir.file("notifications.toml")) << R"([[channel]]
name = "monitoring"
type = "webhook"
url = "http://127.0.0.1:)" << monitoring.port() << R"(/csms/alerts"
secret = ")" << secret << R"("

[[channel]]
name = "mail"
type = "email"
smtp = "127.0.0.1:)" << relay.port() << R"("
from = "csms@example.com"

[[route]]
name = "heat"
rules = ["hot-connector"]
to_roles = ["technical"]
channels = ["mail", "monitoring"]
)";
        std::ofstream(dir.file("csmsd.toml"))
            << "[rules]\nfile = \"" << dir.file("rules.toml") << "\"\n[notifications]\nfile = \""
            << dir.file("notifications.toml") << "\"\n";
        token = bootstrap_admin(dir, dir.file("csms.db"), dir.file("token"));
        CsmsdOptions options;
        options.db_path = dir.file("csms.db");
        options.extra_args = {"--config", dir.file("csmsd.toml")};
        csmsd = std::make_unique<CsmsdProcess>(dir, options);
    }

    ProcessResult ctl(const std::vector<std::string>& args)
    {
        return run_csmsctl(dir, csmsd->admin_port(), dir.file("token"), args);
    }

    ProcessResult simulate(const std::string& celsius)
    {
        return run_program({bin_path("ocpp-sim"), "--url", csmsd->ws_url(), "--temperature", celsius},
                           dir.file("ocpp-sim-" + std::to_string(runs++) + ".err"), 60s);
    }
};

} // namespace

TEST_CASE("Alert walkthrough: an over-heating charger alerts by webhook and e-mail and clears after cooling",
          "[e2e][rules][notifications]")
{
    Walkthrough w;
    // Step 4: a technician with an e-mail address.
    REQUIRE(w.ctl({"operators", "add", "tess", "--role", "technical", "--email", "tess@example.com"}).status.success());

    // Step 5: the charger over-heats; one alert opens however many hot samples come.
    REQUIRE(w.simulate("85").status.success());
    // The engine follows the store a few times a second: a moment, not a wait for a person.
    rapidjson::Document listed;
    REQUIRE(wait_until(
        [&] {
            listed = parse(w.ctl({"--json", "alerts", "list", "--state", "open"}).out);
            return listed["items"].Size() == 1;
        },
        20s));
    const auto& alert = listed["items"][0];
    CHECK(std::string(alert["rule"].GetString()) == "hot-connector");
    CHECK(std::string(alert["charger_id"].GetString()) == "SIM-0001");
    CHECK(std::string(alert["message"].GetString()) == "Temperature = 85");
    auto id = std::to_string(alert["alert_id"].GetInt64());

    REQUIRE(wait_until([&] { return w.monitoring.count() >= 1 && w.relay.count() >= 1; }, 20s));
    auto post = w.monitoring.requests()[0];
    CHECK(post.target == "/csms/alerts");
    CHECK(post.header("x-csms-signature") == csms::notify::signature_header_value(secret, post.body));
    CHECK(std::string(parse(post.body)["event"].GetString()) == "opened");
    CHECK(w.relay.mails()[0].to == std::vector<std::string>{"tess@example.com"});
    auto deliveries = w.ctl({"alerts", "deliveries", id});
    CHECK_THAT(deliveries.out, Catch::Contains("monitoring") && Catch::Contains("sent"));

    // What `csmsctl watch` follows from here on: every step of the alert's life.
    auto now = parse(http_request(w.csmsd->admin_port(), "GET", "/api/v1/events", "", w.token).body);
    std::string cursor = now["next"].GetString();

    // Step 6: someone takes it.
    REQUIRE(w.ctl({"alerts", "ack", id, "--note", "technician on the way"}).status.success());

    // Step 7: it clears itself when the connector cools down.
    REQUIRE(w.simulate("40").status.success());
    REQUIRE(wait_until([&] { return parse(w.ctl({"--json", "alerts", "show", id}).out)["state"] == "cleared"; }, 20s));
    auto shown = parse(w.ctl({"--json", "alerts", "show", id}).out);
    CHECK(std::string(shown["acknowledged_by"].GetString()) == "root");
    CHECK(std::string(shown["ack_note"].GetString()) == "technician on the way");
    auto watched = parse(
        http_request(w.csmsd->admin_port(), "GET", "/api/v1/events?cursor=" + cursor + "&wait=5", "", w.token).body);
    std::vector<std::string> steps;
    for (const auto& e : watched["items"].GetArray()) {
        if (std::string(e["type"].GetString()) == "alert" && std::to_string(e["alert_id"].GetInt64()) == id) {
            steps.emplace_back(e["event"].GetString());
        }
    }
    CHECK(steps == std::vector<std::string>{"acknowledged", "cleared"});
    // Opened, acknowledged and cleared: each reached both channels.
    CHECK(wait_until([&] { return w.monitoring.count() == 3 && w.relay.count() == 3; }, 20s));
}
