// csmsctl end to end: the real csmsctl binary against a real csmsd with a
// bootstrapped admin, and a test charger answering the commands it sends.
#include "support/admin_bootstrap.hpp"
#include "support/charger.hpp"
#include "support/csmsd_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_certs.hpp"
#include "support/wait_until.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace csms::test;
using namespace std::chrono_literals;

namespace {

enum class Admin { http, https };

// A TempDir with an admin bootstrapped into <dir>/csms.db, its token in
// <dir>/token, and csmsd serving that database; with Admin::https its admin
// listener speaks HTTPS with the dev PKI's server certificate (localhost,
// 127.0.0.1).
class CtlFixture {
public:
    explicit CtlFixture(Admin admin = Admin::http) : https_(admin == Admin::https)
    {
        bootstrap_admin(dir_, db_path(), token_file());
        CsmsdOptions options;
        options.db_path = db_path();
        if (https_) {
            const auto& certs = test_certs();
            auto config = dir_.file("csmsd.toml");
            std::ofstream(config) << "[admin]\ncert = \"" << certs.server_cert() << "\"\nkey = \"" << certs.server_key()
                                  << "\"\n";
            options.extra_args = {"--config", config};
        }
        server_ = std::make_unique<CsmsdProcess>(dir_, options);
    }

    std::string db_path() const { return dir_.file("csms.db"); }
    std::string token_file() const { return dir_.file("token"); }
    std::string admin_port() const { return std::to_string(server_->admin_port()); }
    // https://localhost:PORT or http://127.0.0.1:PORT
    std::string server_url() const
    {
        return https_ ? "https://localhost:" + admin_port() : "http://127.0.0.1:" + admin_port();
    }
    const TempDir& dir() const { return dir_; }
    CsmsdProcess& server() { return *server_; }

    // argv after the global --server and --token-file options.
    std::vector<std::string> argv(const std::vector<std::string>& args, const std::string& token_file = "") const
    {
        std::vector<std::string> v{bin_path("csmsctl"), "--server", server_url(), "--token-file",
                                   token_file.empty() ? this->token_file() : token_file};
        v.insert(v.end(), args.begin(), args.end());
        return v;
    }

    ProcessResult ctl(const std::vector<std::string>& args, const std::string& token_file = "")
    {
        return run_program(argv(args, token_file), next_err_file(), 30s);
    }

    std::string next_err_file() { return dir_.file("csmsctl-" + std::to_string(runs_++) + ".err"); }

private:
    bool https_ = false;
    TempDir dir_;
    std::unique_ptr<CsmsdProcess> server_;
    int runs_ = 0;
};

rapidjson::Document parse(const std::string& text)
{
    rapidjson::Document d;
    d.Parse(text.c_str(), text.size());
    return d;
}

bool one_line(const std::string& text)
{
    return !text.empty() && text.find('\n') == text.size() - 1;
}

// Runs csmsctl while the test plays the charger: reads the server's CALL,
// hands it to `check`, answers with `result_json`, then collects csmsctl.
struct CommandRun {
    ProcessResult result;
    rapidjson::Document call; // [2, id, action, payload]
};

CommandRun run_command(CtlFixture& f, WsClient& charger, const std::vector<std::string>& args,
                       const std::string& result_json)
{
    auto err_file = f.next_err_file();
    ChildProcess child(f.argv(args), err_file);
    CommandRun run;
    auto frame = charger.read(20s);
    if (frame.status != ReadStatus::message) {
        throw std::runtime_error("the charger got no CALL: " + to_string(frame.status) +
                                 "; csmsctl: " + read_text_file(err_file));
    }
    run.call.Parse(frame.text.c_str(), frame.text.size());
    if (!run.call.IsArray() || run.call.Size() != 4 || !run.call[1].IsString()) {
        throw std::runtime_error("not a CALL: " + frame.text);
    }
    charger.send_text("[3,\"" + std::string(run.call[1].GetString()) + "\"," + result_json + "]");
    bool complete = false;
    auto out = child.read_all(30s, &complete);
    auto status = child.wait_exit(5s);
    run.result = ProcessResult{status ? *status : child.kill9(), out, log_tail(err_file)};
    return run;
}

} // namespace

TEST_CASE("csmsctl whoami shows the bootstrapped admin as a table and as JSON", "[ctl][e2e]")
{
    CtlFixture f;
    auto table = f.ctl({"whoami"});
    INFO(table.errors);
    CHECK(table.status.success());
    CHECK(table.out == "name: root\nrole: admin\n");

    auto json = f.ctl({"--json", "whoami"});
    REQUIRE(json.status.success());
    auto d = parse(json.out);
    REQUIRE(d.IsObject());
    CHECK(std::string(d["name"].GetString()) == "root");
    CHECK(std::string(d["role"].GetString()) == "admin");
    // Global options work after the verb too.
    CHECK(f.ctl({"whoami", "--json"}).out == json.out);
}

TEST_CASE("csmsctl operators add issues a token whose role is then refused operators list", "[ctl][e2e]")
{
    CtlFixture f;
    auto out_file = f.dir().file("alice.token");
    auto add = f.ctl({"operators", "add", "alice", "--role", "customer_service", "--token-out", out_file});
    INFO(add.errors);
    REQUIRE(add.status.success());
    CHECK_THAT(add.out, Catch::Contains("name: alice") && Catch::Contains("role: customer_service") &&
                            Catch::Contains("written to " + out_file));
    struct stat st {};
    REQUIRE(::stat(out_file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    auto whoami = f.ctl({"whoami"}, out_file);
    CHECK(whoami.out == "name: alice\nrole: customer_service\n");

    auto refused = f.ctl({"operators", "list"}, out_file);
    CHECK(refused.status.exited);
    CHECK(refused.status.code == 1);
    CHECK(refused.out.empty());
    CHECK(one_line(refused.errors));
    CHECK_THAT(refused.errors, Catch::StartsWith("csmsctl: forbidden: "));

    // Without --token-out the token is printed once, with a note saying so.
    auto shown = f.ctl({"operators", "add", "bob", "--role", "auditor"});
    REQUIRE(shown.status.success());
    CHECK_THAT(shown.out, Catch::Contains("token: "));
    CHECK_THAT(shown.errors, Catch::Contains("shown only now"));

    auto list = f.ctl({"operators", "list"});
    REQUIRE(list.status.success());
    CHECK_THAT(list.out, Catch::StartsWith("NAME") && Catch::Contains("alice") && Catch::Contains("customer_service"));
    CHECK_THAT(list.out, !Catch::Contains("token"));

    auto audit = f.ctl({"--json", "audit", "list"});
    REQUIRE(audit.status.success());
    auto d = parse(audit.out);
    REQUIRE(d.IsObject());
    bool saw_add = false, saw_denied = false;
    for (const auto& row : d["items"].GetArray()) {
        std::string action = row["action"].GetString();
        std::string who = row["operator"].IsString() ? row["operator"].GetString() : "";
        if (action == "operators.add" && who == "root" && row["status"].GetInt() == 201) {
            saw_add = true;
        }
        if (action == "operators.list" && who == "alice" && row["status"].GetInt() == 403) {
            saw_denied = true;
        }
    }
    CHECK(saw_add);
    CHECK(saw_denied);

    auto denied = f.ctl({"audit", "list", "--denied"});
    REQUIRE(denied.status.success());
    CHECK_THAT(denied.out, Catch::StartsWith("ID") && Catch::Contains("operators.list") && Catch::Contains("alice"));
    CHECK_THAT(denied.out, !Catch::Contains("operators.add"));
}

TEST_CASE("csmsctl refuses a token file others can read", "[ctl][e2e]")
{
    CtlFixture f;
    auto loose = f.dir().file("loose.token");
    std::filesystem::copy_file(f.token_file(), loose);
    ::chmod(loose.c_str(), 0644);
    auto r = f.ctl({"whoami"}, loose);
    CHECK(r.status.exited);
    CHECK(r.status.code == 1);
    CHECK(one_line(r.errors));
    CHECK_THAT(r.errors, Catch::Contains(loose) && Catch::Contains("chmod 600"));
}

TEST_CASE("csmsctl exits 3 with one line when the server is down", "[ctl][e2e]")
{
    CtlFixture f;
    auto url = f.server_url();
    f.server().kill9();
    auto r = f.ctl({"whoami"});
    CHECK(r.status.exited);
    CHECK(r.status.code == 3);
    CHECK(one_line(r.errors));
    CHECK_THAT(r.errors, Catch::StartsWith("csmsctl: cannot reach " + url + ": "));
}

TEST_CASE("csmsctl exits 2 for an unknown noun", "[ctl][e2e]")
{
    CtlFixture f;
    auto r = f.ctl({"frobnicate", "list"});
    CHECK(r.status.exited);
    CHECK(r.status.code == 2);
    CHECK(one_line(r.errors));
    CHECK(r.out.empty());
}

TEST_CASE("csmsctl charger remote-start sends RemoteStartTransaction and prints the answer", "[ctl][e2e][commands]")
{
    CtlFixture f;
    auto charger = accepted_charger(f.server().ws_port(), "CTL-1");
    auto run = run_command(f, *charger, {"charger", "remote-start", "CTL-1", "--id-tag", "TAG1", "--connector", "1"},
                           R"({"status":"Accepted"})");
    INFO(run.result.errors);
    CHECK(std::string(run.call[2].GetString()) == "RemoteStartTransaction");
    CHECK(to_json(run.call[3]) == R"({"connectorId":1,"idTag":"TAG1"})");
    CHECK(run.result.status.success());
    CHECK_THAT(run.result.out, Catch::StartsWith("status: Accepted\ncommand: "));

    auto history = f.ctl({"commands", "history", "--charger", "CTL-1"});
    CHECK_THAT(history.out, Catch::Contains("RemoteStartTransaction") && Catch::Contains("Accepted"));
}

TEST_CASE("csmsctl chargers reset --hard sends a hard Reset", "[ctl][e2e][commands]")
{
    CtlFixture f;
    auto charger = accepted_charger(f.server().ws_port(), "CTL-2");
    auto run = run_command(f, *charger, {"--json", "chargers", "reset", "CTL-2", "--hard"}, R"({"status":"Accepted"})");
    INFO(run.result.errors);
    CHECK(std::string(run.call[2].GetString()) == "Reset");
    CHECK(to_json(run.call[3]) == R"({"type":"Hard"})");
    REQUIRE(run.result.status.success());
    auto d = parse(run.result.out);
    REQUIRE(d.IsObject());
    CHECK(std::string(d["action"].GetString()) == "Reset");
    CHECK(std::string(d["status"].GetString()) == "Accepted");
    CHECK(d["command_id"].IsInt64());
}

TEST_CASE("csmsctl charger unlock prints the charger's UnlockConnector status", "[ctl][e2e][commands]")
{
    CtlFixture f;
    auto charger = accepted_charger(f.server().ws_port(), "CTL-3");
    auto run = run_command(f, *charger, {"charger", "unlock", "CTL-3", "--connector", "2"}, R"({"status":"Unlocked"})");
    INFO(run.result.errors);
    CHECK(std::string(run.call[2].GetString()) == "UnlockConnector");
    CHECK(to_json(run.call[3]) == R"({"connectorId":2})");
    CHECK(run.result.status.success());
    CHECK_THAT(run.result.out, Catch::StartsWith("status: Unlocked\ncommand: "));
}

TEST_CASE("csmsctl charger command to a charger that is not connected exits 1 with not_connected",
          "[ctl][e2e][commands]")
{
    CtlFixture f;
    auto r = f.ctl({"charger", "reset", "NOBODY"});
    CHECK(r.status.exited);
    CHECK(r.status.code == 1);
    CHECK(one_line(r.errors));
    CHECK_THAT(r.errors, Catch::StartsWith("csmsctl: not_connected: "));
}

TEST_CASE("csmsctl chargers add then registration and security change a registered charger", "[ctl][e2e]")
{
    CtlFixture f;
    auto add = f.ctl({"chargers", "add", "REG-1", "--registration", "Pending"});
    INFO(add.errors);
    REQUIRE(add.status.success());
    CHECK_THAT(add.out, Catch::Contains("registration: Pending"));

    auto change = f.ctl({"chargers", "registration", "REG-1", "Rejected"});
    INFO(change.errors);
    CHECK(change.status.success());
    auto list = f.ctl({"chargers", "list"});
    CHECK_THAT(list.out, Catch::StartsWith("ID") && Catch::Contains("REG-1") && Catch::Contains("Rejected"));

    auto security = f.ctl({"chargers", "security", "REG-1", "--profile", "0"});
    INFO(security.errors);
    CHECK(security.status.success());

    auto again = f.ctl({"chargers", "add", "REG-1"});
    CHECK(again.status.code == 1);
    CHECK_THAT(again.errors, Catch::StartsWith("csmsctl: conflict: "));
}

TEST_CASE("csmsctl over https trusts the admin listener with --ca-file and not without", "[ctl][e2e][tls]")
{
    CtlFixture f(Admin::https);
    const auto& certs = test_certs();
    auto trusted = f.ctl({"--ca-file", certs.ca(), "whoami"});
    INFO(trusted.errors);
    CHECK(trusted.status.success());
    CHECK(trusted.out == "name: root\nrole: admin\n");

    // The certificate names 127.0.0.1 too; an IP address is checked as one.
    auto by_address = f.ctl({"--server", "https://127.0.0.1:" + f.admin_port(), "--ca-file", certs.ca(), "whoami"});
    INFO(by_address.errors);
    CHECK(by_address.status.success());

    // Against the system's trust store the dev CA is unknown.
    auto untrusted = f.ctl({"whoami"});
    CHECK(untrusted.status.exited);
    CHECK(untrusted.status.code == 3);
    CHECK(untrusted.out.empty());
    CHECK(one_line(untrusted.errors));
    CHECK_THAT(untrusted.errors, Catch::StartsWith("csmsctl: cannot reach " + f.server_url() +
                                                   ": the server's certificate is not trusted: ") &&
                                     Catch::Contains("local issuer certificate") && Catch::Contains("--ca-file"));

    // Plain http on the TLS port: the server hangs up, csmsctl says so at once.
    auto started = std::chrono::steady_clock::now();
    auto plain = f.ctl({"--server", "http://127.0.0.1:" + f.admin_port(), "whoami"});
    CHECK(std::chrono::steady_clock::now() - started < 10s);
    CHECK(plain.status.exited);
    CHECK(plain.status.code == 3);
    CHECK(plain.out.empty());
    CHECK(one_line(plain.errors));
    CHECK_THAT(plain.errors, Catch::Contains("use https://"));
}

TEST_CASE("csmsctl takes its CA file from CSMS_CA_FILE", "[ctl][e2e][tls]")
{
    CtlFixture f(Admin::https);
    // Each TEST_CASE runs in a process of its own under ctest; the child inherits this.
    REQUIRE(::setenv("CSMS_CA_FILE", test_certs().ca().c_str(), 1) == 0);
    auto r = f.ctl({"whoami"});
    ::unsetenv("CSMS_CA_FILE");
    INFO(r.errors);
    CHECK(r.status.success());
    CHECK(r.out == "name: root\nrole: admin\n");
}

TEST_CASE("csmsctl over https to a plain http listener exits 3 with one line", "[ctl][e2e][tls]")
{
    CtlFixture f;
    auto started = std::chrono::steady_clock::now();
    auto r = f.ctl({"--server", "https://127.0.0.1:" + f.admin_port(), "--ca-file", test_certs().ca(), "whoami"});
    CHECK(std::chrono::steady_clock::now() - started < 10s);
    CHECK(r.status.exited);
    CHECK(r.status.code == 3);
    CHECK(one_line(r.errors));
    CHECK_THAT(r.errors, Catch::StartsWith("csmsctl: cannot reach https://127.0.0.1:" + f.admin_port() +
                                           ": TLS handshake failed: "));
}

namespace {

// The watcher first asks for the cursor of "now", then long-polls from it; a
// change made before that first answer falls behind its cursor and is never
// shown. The server writes the call's audit row after reading the cursor, so
// once the row is there every new change is after it. True then, or when the
// watcher has exited (the caller fails with its stderr).
bool wait_for_watcher(CtlFixture& f, ChildProcess& watcher)
{
    return wait_until(
        [&] {
            if (!watcher.running()) {
                return true;
            }
            auto audit = f.ctl({"--json", "audit", "list", "--action", "events.watch"});
            auto d = parse(audit.out);
            if (!d.IsObject() || !d.HasMember("items") || !d["items"].IsArray()) {
                return false;
            }
            for (const auto& row : d["items"].GetArray()) {
                if (row["status"].IsInt() && row["status"].GetInt() == 200) {
                    return true;
                }
            }
            return false;
        },
        20s, 50ms);
}

} // namespace

TEST_CASE("csmsctl watch --count 1 prints the first status change and exits 0", "[ctl][e2e][watch]")
{
    CtlFixture f;
    auto charger = accepted_charger(f.server().ws_port(), "WATCHED");
    auto err_file = f.next_err_file();
    ChildProcess watcher(f.argv({"watch", "--count", "1", "--json"}), err_file);
    bool watching = wait_for_watcher(f, watcher);
    INFO("csmsctl watch stderr: " << read_text_file(err_file));
    REQUIRE(watching);
    REQUIRE(watcher.running());
    charger->call("StatusNotification", R"({"connectorId":1,"errorCode":"GroundFailure","status":"Faulted"})");

    auto line = watcher.read_line(30s);
    if (!line) {
        auto early = watcher.wait_exit(5s);
        FAIL("no event from csmsctl watch (" << (early ? early->describe() : std::string("still running"))
                                             << "); its stderr: " << read_text_file(err_file));
    }
    auto event = parse(*line);
    REQUIRE(event.IsObject());
    CHECK(std::string(event["type"].GetString()) == "status");
    CHECK(std::string(event["charger_id"].GetString()) == "WATCHED");
    CHECK(event["connector_id"].GetInt() == 1);
    CHECK(std::string(event["status"].GetString()) == "Faulted");
    CHECK(std::string(event["error_code"].GetString()) == "GroundFailure");

    auto status = watcher.wait_exit(10s);
    REQUIRE(status);
    CHECK(status->success());
    bool complete = false;
    CHECK(watcher.read_all(5s, &complete).empty());
    CHECK(complete);
}

namespace {

// The charger ids (or transaction ids) of a list answer's items, in order.
std::vector<std::string> item_ids(const std::string& json, const char* key)
{
    auto d = parse(json);
    std::vector<std::string> out;
    if (!d.IsObject() || !d.HasMember("items")) {
        return {"<not a list: " + json + ">"};
    }
    for (const auto& item : d["items"].GetArray()) {
        out.push_back(item[key].IsString() ? item[key].GetString() : std::to_string(item[key].GetInt64()));
    }
    return out;
}

using Ids = std::vector<std::string>;

} // namespace

TEST_CASE("csmsctl lists filter chargers and transactions, --all pages through everything, and a bad filter is named",
          "[ctl][e2e][lists]")
{
    CtlFixture f;
    auto a1 = accepted_charger(f.server().ws_port(), "LIST-A1");
    auto b1 = connect_charger(f.server().ws_port(), "LIST-B1");
    REQUIRE(is_call_result(b1->call("BootNotification", boot_payload("Zeta", "Slow-7"))));
    REQUIRE(f.ctl({"chargers", "add", "LIST-C1"}).status.success());
    for (const auto& [id, region] : {std::pair{"LIST-A1", "Guangdong/Shenzhen"},
                                     {"LIST-B1", "Guangdong/ShenzhenX"},
                                     {"LIST-C1", "Guangdong/Shenzhen/Nanshan"}}) {
        auto set = f.ctl({"chargers", "set", id, "--region", region});
        INFO(set.errors);
        REQUIRE(set.status.success());
    }
    REQUIRE(is_call_result(b1->call("StatusNotification", status_payload(1, "Faulted", "2026-03-01T09:00:00Z"))));
    auto started = [&](const char* at) {
        auto reply = a1->call("StartTransaction", start_payload(1, "LIST-TAG", 0, at));
        REQUIRE(is_call_result(reply));
        return std::to_string(reply[2]["transactionId"].GetInt64());
    };
    auto march_1 = started("2026-03-01T10:00:00Z");
    auto march_5 = started("2026-03-05T10:00:00Z");

    auto ids = [&](std::vector<std::string> args) {
        args.insert(args.begin(), "--json");
        auto r = f.ctl(args);
        INFO(r.errors);
        CHECK(r.status.success());
        return item_ids(r.out, args[1] == "chargers" ? "charger_id" : "transaction_id");
    };
    CHECK(ids({"chargers", "list", "--connected", "yes"}) == Ids{"LIST-A1", "LIST-B1"});
    CHECK(ids({"chargers", "list", "--connected", "no"}) == Ids{"LIST-C1"});
    CHECK(ids({"chargers", "list", "--region", "Guangdong/Shenzhen"}) == Ids{"LIST-A1", "LIST-C1"});
    CHECK(ids({"chargers", "list", "--state", "Faulted"}) == Ids{"LIST-B1"});
    CHECK(ids({"chargers", "list", "--model", "test-1"}) == Ids{"LIST-A1"});
    CHECK(ids({"chargers", "list", "--search", "zeta"}) == Ids{"LIST-B1"});
    CHECK(ids({"chargers", "list", "--search", "list-", "--connected", "yes", "--region", "Guangdong"}) ==
          Ids{"LIST-A1", "LIST-B1"});
    CHECK(ids({"transactions", "list", "--from", "2026-03-02"}) == Ids{march_5});
    CHECK(ids({"transactions", "list", "--to", "2026-03-01", "--charger", "LIST-A1", "--id-tag", "LIST-TAG"}) ==
          Ids{march_1});
    CHECK(ids({"transactions", "list", "--from", "2026-03-01T10:00:00Z", "--to", "2026-03-05T10:00:00Z"}) ==
          Ids{march_1});

    // One page says how to get the next; --all follows the cursor to the end.
    auto one = f.ctl({"chargers", "list", "--limit", "1"});
    CHECK_THAT(one.out, Catch::EndsWith("(more: --cursor LIST-A1)\n"));
    CHECK(ids({"chargers", "list", "--all", "--limit", "1"}) == Ids{"LIST-A1", "LIST-B1", "LIST-C1"});
    auto all_json = f.ctl({"--json", "chargers", "list", "--all", "--limit", "2"});
    auto d = parse(all_json.out);
    REQUIRE(d.IsObject());
    CHECK(d["items"].Size() == 3);
    CHECK(d["next"].IsNull());
    CHECK(std::count(all_json.out.begin(), all_json.out.end(), '\n') == 1);
    auto table = f.ctl({"transactions", "list", "--all", "--limit", "1"});
    CHECK(std::count(table.out.begin(), table.out.end(), '\n') == 3); // the header and both sessions
    CHECK_THAT(table.out, !Catch::Contains("more:"));

    // A value the API cannot use fails with what it expected, in one line.
    auto bad_date = f.ctl({"transactions", "list", "--from", "yesterday"});
    CHECK(bad_date.status.code == 1);
    CHECK(bad_date.errors == "csmsctl: bad_request: from must be a date (2026-03-01) or a date-time "
                             "(2026-03-01T08:00:00Z), not 'yesterday'\n");
    auto bad_state = f.ctl({"chargers", "list", "--status", "charging"});
    CHECK(bad_state.status.code == 1);
    CHECK(one_line(bad_state.errors));
    CHECK_THAT(bad_state.errors, Catch::EndsWith("not 'charging' (did you mean Charging?)\n"));
    auto bad_connected = f.ctl({"chargers", "list", "--connected", "maybe"});
    CHECK(bad_connected.status.code == 2);
    CHECK(one_line(bad_connected.errors));
}

TEST_CASE("csmsctl watch shows a charger come, boot, charge and go; chargers show says since when and its "
          "connections; alerts close clears an alert by hand",
          "[ctl][e2e][watch][alerts]")
{
    CtlFixture f;
    auto watch_err = f.next_err_file();
    ChildProcess watcher(f.argv({"watch", "--count", "7"}), watch_err);
    REQUIRE(wait_for_watcher(f, watcher));
    INFO("csmsctl watch stderr: " << read_text_file(watch_err));
    REQUIRE(watcher.running());

    auto charger = accepted_charger(f.server().ws_port(), "SHOW-1");
    auto start = charger->call("StartTransaction", start_payload(2, "SHOW-TAG", 1000, "2026-03-01T10:00:00Z"));
    REQUIRE(is_call_result(start));
    auto transaction = start[2]["transactionId"].GetInt64();
    REQUIRE(is_call_result(charger->call("StopTransaction", stop_payload(transaction, 1500, "2026-03-01T11:00:00Z"))));
    REQUIRE(is_call_result(charger->call("SecurityEventNotification",
                                         R"({"type":"TamperDetectionActivated","timestamp":"2026-03-01T11:05:00Z"})")));

    // Connected: since when, last seen, and its session in the connections.
    auto shown = f.ctl({"chargers", "show", "SHOW-1"});
    INFO(shown.errors);
    REQUIRE(shown.status.success());
    CHECK_THAT(shown.out, Catch::Contains("connected: yes\n") && Catch::Contains("connected_since: 20") &&
                              Catch::Contains("last_seen: 20") && Catch::Contains("\nconnections:\nat ") &&
                              Catch::Contains(" connected  127.0.0.1\n"));

    // The security event's alert: closed by hand, with who and why.
    auto alerts = parse(f.ctl({"--json", "alerts", "list", "--charger", "SHOW-1"}).out);
    REQUIRE(alerts.IsObject());
    REQUIRE(alerts["items"].Size() == 1);
    auto alert_id = std::to_string(alerts["items"][0]["alert_id"].GetInt64());
    auto auditor_token = f.dir().file("auditor.token");
    REQUIRE(f.ctl({"operators", "add", "audra", "--role", "auditor", "--token-out", auditor_token}).status.success());
    auto refused = f.ctl({"alerts", "close", alert_id, "--reason", "not mine to close"}, auditor_token);
    CHECK(refused.status.code == 1);
    CHECK_THAT(refused.errors, Catch::StartsWith("csmsctl: forbidden: "));
    auto no_reason = f.ctl({"alerts", "close", alert_id});
    CHECK(no_reason.status.code == 2);
    CHECK(no_reason.errors == "csmsctl: missing --reason; see csmsctl alerts close --help\n");
    auto closed = f.ctl({"alerts", "close", alert_id, "--reason", "charger removed from site"});
    INFO(closed.errors);
    CHECK(closed.status.success());
    CHECK_THAT(closed.out, Catch::Contains("state: cleared\n") && Catch::Contains("cleared_by: root\n") &&
                               Catch::Contains("clear_reason: charger removed from site\n"));
    auto again = f.ctl({"alerts", "close", alert_id, "--reason", "twice"});
    CHECK(again.status.code == 1);
    CHECK_THAT(again.errors, Catch::StartsWith("csmsctl: already_cleared: "));
    // Every attempt that reached the server is audited, the refusal too.
    std::vector<std::string> audited;
    auto rows = parse(f.ctl({"--json", "audit", "list", "--action", "alerts.close"}).out);
    REQUIRE(rows.IsObject());
    for (const auto& row : rows["items"].GetArray()) {
        audited.push_back(std::string(row["operator"].GetString()) + " " +
                          (row["object"].IsString() ? row["object"].GetString() : "-") + " " +
                          std::to_string(row["status"].GetInt()));
    }
    CHECK(audited == std::vector<std::string>{"root " + alert_id + " 409", "root " + alert_id + " 200", "audra - 403"});

    // Gone: not connected, last seen when it left.
    charger->close();
    bool left = wait_until(
        [&] {
            return f.ctl({"chargers", "show", "SHOW-1"}).out.find("connected: no") != std::string::npos;
        },
        10s, 50ms);
    CHECK(left);
    auto gone = f.ctl({"chargers", "show", "SHOW-1"}).out;
    CHECK_THAT(gone, Catch::Contains("connected_since: -\n") && Catch::Contains(" disconnected  -\n"));

    // What the watcher printed: one line per event, as it happened.
    std::vector<std::string> types;
    std::string lines;
    while (types.size() < 7) {
        auto line = watcher.read_line(30s);
        if (!line) {
            break;
        }
        lines += *line + "\n";
        std::istringstream words(*line);
        std::string at, id, connector, type;
        words >> at >> id >> connector >> type;
        CHECK(id == "SHOW-1");
        types.push_back(type == "alert" ? type + " " + line->substr(line->find("event=")) : type);
    }
    INFO(lines);
    REQUIRE(types.size() == 7);
    CHECK(types[0] == "connected");
    CHECK(types[1] == "boot");
    CHECK(types[2] == "transaction_started");
    CHECK(types[3] == "transaction_stopped");
    CHECK_THAT(types[4], Catch::StartsWith("alert event=opened"));
    CHECK_THAT(types[5], Catch::StartsWith("alert event=cleared"));
    CHECK(types[6] == "disconnected");
    CHECK_THAT(lines,
               Catch::Contains(" SHOW-1 - connected remote_address=127.0.0.1\n") &&
                   Catch::Contains(" SHOW-1 - boot registration=Accepted vendor=E2E model=Test-1") &&
                   Catch::Contains(" SHOW-1 2 transaction_started transaction_id=" + std::to_string(transaction) +
                                   " meter_start_wh=1000\n") &&
                   Catch::Contains(" SHOW-1 2 transaction_stopped transaction_id=" + std::to_string(transaction) +
                                   " energy_wh=500 stop_reason=Local\n"));
    auto status = watcher.wait_exit(10s);
    REQUIRE(status);
    CHECK(status->success());
}
