// docs/operators.md "Alerts: from a rule to a cleared alert", followed with
// the real programs: the rules, notifications and csmsd files are the ones
// the page writes, the webhook receiver and mail relay are the page's
// tools/webhook-sink and tools/smtp-sink as child processes, ocpp-sim runs
// with the page's arguments; csmsctl adds the technician, acknowledges the
// alert, and the alert clears itself when the charger cools down.
#include "support/admin_bootstrap.hpp"
#include "support/csmsctl_run.hpp"
#include "support/csmsd_process.hpp"
#include "support/http_get.hpp"
#include "support/markdown.hpp"
#include "support/source_tree.hpp"
#include "support/tool_sink.hpp"
#include "support/wait_until.hpp"

#include "notify/signature.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <algorithm>
#include <fstream>

using namespace csms::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* section = "Alerts: from a rule to a cleared alert";
constexpr const char* charger = "HOT-0001";

rapidjson::Document parse(const std::string& text)
{
    rapidjson::Document doc;
    doc.Parse(text.c_str(), text.size());
    REQUIRE_FALSE(doc.HasParseError());
    return doc;
}

// Replaces every `from` in text; how many there were.
int replace_all(std::string& text, const std::string& from, const std::string& to)
{
    int count = 0;
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
        ++count;
    }
    return count;
}

std::string local(std::uint16_t port)
{
    return "127.0.0.1:" + std::to_string(port);
}

// The page's command that starts with `program`; its n-th one (from 0).
std::vector<std::string> page_command(const ShellSteps& steps, const std::string& program, int n = 0)
{
    for (const auto& command : steps.commands) {
        auto w = words(command);
        if (!w.empty() && w[0] == program && n-- == 0) {
            return w;
        }
    }
    FAIL("docs/operators.md, " << section << ": no command " << program);
    return {};
}

struct Walkthrough {
    TempDir dir;
    ShellSteps page = shell_steps(markdown_section(read_source_file("docs/operators.md"), section));
    // Step 1: the two stand-ins, on free ports instead of the page's.
    ToolSink monitoring{dir, "webhook-sink"};
    ToolSink relay{dir, "smtp-sink"};
    std::unique_ptr<CsmsdProcess> csmsd;
    std::string token;
    int runs = 0;

    // Steps 2 to 4: the page's three files, pointed at this test's folder and
    // sinks, and csmsd started with them.
    Walkthrough()
    {
        const std::string webhook_port = page_command(page, "tools/webhook-sink").at(1);
        const std::string smtp_port = page_command(page, "tools/smtp-sink").at(1);
        for (const auto* name : {"rules.toml", "notifications.toml", "csmsd.toml"}) {
            const std::string path = std::string("/etc/csms/") + name;
            INFO("docs/operators.md, " << section << ": the file " << path);
            REQUIRE(page.files.count(path) == 1);
            std::string text = page.files.at(path);
            replace_all(text, "/etc/csms/", dir.file(""));
            if (std::string(name) == "notifications.toml") {
                // The notifications go to the sinks the page started in step 1.
                const auto webhooks = replace_all(text, "127.0.0.1:" + webhook_port, local(monitoring.port()));
                const auto relays = replace_all(text, "127.0.0.1:" + smtp_port, local(relay.port()));
                CHECK(webhooks == 1);
                CHECK(relays == 1);
            }
            std::ofstream(dir.file(name)) << text;
        }
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

    // The page's n-th ocpp-sim command, against this test's csmsd.
    ProcessResult simulate(int n)
    {
        auto argv = page_command(page, "build/bin/ocpp-sim", n);
        argv[0] = sim_path();
        for (std::size_t i = 1; i + 1 < argv.size(); ++i) {
            if (argv[i] == "--url") {
                argv[i + 1] = csmsd->ws_url();
            }
        }
        return run_program(argv, dir.file("ocpp-sim-" + std::to_string(runs++) + ".err"), 60s);
    }

    std::vector<ReceivedRequest> posts() { return printed_requests(monitoring.output()); }
    std::vector<PrintedMail> mails() { return printed_mails(relay.output()); }
};

std::string event_of(const ReceivedRequest& post)
{
    auto body = parse(post.body);
    return body.HasMember("event") && body["event"].IsString() ? body["event"].GetString() : "";
}

} // namespace

TEST_CASE("Alert walkthrough: an over-heating charger alerts through the page's webhook and mail sinks and clears "
          "after cooling",
          "[e2e][rules][notifications][docs]")
{
    Walkthrough w;
    // Step 5: a technician with an e-mail address.
    REQUIRE(w.ctl({"operators", "add", "tess", "--role", "technical", "--email", "tess@example.com"}).status.success());

    // Step 6: the charger over-heats; one alert opens however many hot samples come.
    auto hot = w.simulate(0);
    INFO("ocpp-sim: " << hot.errors);
    REQUIRE(hot.status.success());
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
    CHECK(std::string(alert["charger_id"].GetString()) == charger);
    CHECK(std::string(alert["message"].GetString()) == "Temperature = 85");
    auto id = std::to_string(alert["alert_id"].GetInt64());
    CHECK_THAT(w.ctl({"alerts", "list", "--state", "open"}).out, Catch::Contains(std::string(charger) + "/1"));

    // What the sinks printed: the signed POST and tess's e-mail.
    REQUIRE(wait_until([&] { return !w.posts().empty() && !w.mails().empty(); }, 20s));
    auto post = w.posts()[0];
    CHECK(post.method == "POST");
    CHECK(post.target == "/csms/alerts");
    CHECK(post.header("x-csms-signature") ==
          csms::notify::signature_header_value("a-shared-secret-of-16+chars", post.body));
    CHECK(event_of(post) == "opened");
    auto mail = w.mails()[0];
    CHECK(mail.envelope == "mail from <csms@example.com> to <tess@example.com>");
    CHECK_THAT(mail.message, Catch::Contains("\nSubject: [CSMS critical] opened: ") && Catch::Contains(charger));
    auto deliveries = w.ctl({"alerts", "deliveries", id});
    CHECK_THAT(deliveries.out, Catch::Contains("monitoring") && Catch::Contains("sent"));

    // What `csmsctl watch` follows from here on: every step of the alert's life.
    auto now = parse(http_request(w.csmsd->admin_port(), "GET", "/api/v1/events", "", w.token).body);
    std::string cursor = now["next"].GetString();

    // Step 7: someone takes it.
    REQUIRE(w.ctl({"alerts", "ack", id, "--note", "technician on the way"}).status.success());

    // Step 8: it clears itself when the connector cools down.
    auto cool = w.simulate(1);
    INFO("ocpp-sim: " << cool.errors);
    REQUIRE(cool.status.success());
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

    // Opened, acknowledged and cleared: each reached both sinks, as the page says.
    CHECK(wait_until([&] { return w.posts().size() == 3 && w.mails().size() == 3; }, 20s));
    std::vector<std::string> events;
    for (const auto& p : w.posts()) {
        events.push_back(event_of(p));
    }
    std::sort(events.begin(), events.end()); // deliveries are retried independently: no order is promised
    CHECK(events == std::vector<std::string>{"acknowledged", "cleared", "opened"});
    CHECK(w.monitoring.running());
    CHECK(w.relay.running());
    CHECK(w.monitoring.errors().empty());
    CHECK(w.relay.errors().empty());
}
