// docs/operators.md "Quick start", followed literally with the real binaries:
// with csmsd running as the README left it, bootstrap an admin into its
// database, hold a simulated charger connected, and run a session on it with
// csmsctl remote-start and remote-stop.
#include "support/admin_bootstrap.hpp"
#include "support/csmsctl_run.hpp"
#include "support/csmsd_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_certs.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

using namespace csms::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* charger_id = "SIM-0001";
constexpr const char* id_tag = "DEMO-TAG";

class QuickStart {
public:
    // The server the README started (dev mode) is running; step 1 adds the
    // first admin to its database while it runs, and it serves the new token.
    QuickStart()
    {
        CsmsdOptions options;
        options.db_path = db_path();
        server_ = std::make_unique<CsmsdProcess>(dir_, options);
        bootstrap_admin(dir_, db_path(), token_file());
    }

    std::string db_path() const { return dir_.file("csms.db"); }
    std::string token_file() const { return dir_.file("token"); }
    CsmsdProcess& server() { return *server_; }

    // Step 2: the simulated charger, held connected for a minute.
    void start_sim()
    {
        sim_ = std::make_unique<ChildProcess>(std::vector<std::string>{sim_path(), "--url", server_->ws_url(),
                                                                       "--chargers", "1", "--connect-only",
                                                                       "--hold-seconds", "60"},
                                              dir_.file("ocpp-sim.err"));
    }

    // What ocpp-sim printed so far (one charger: every frame), read for
    // 20 ms; called while waiting, so its stdout pipe never fills up.
    const std::string& sim_output()
    {
        if (sim_) {
            sim_out_ += sim_->read_all(20ms);
        }
        return sim_out_;
    }

    bool sim_running() { return sim_ && sim_->running(); }

    ProcessResult ctl(const std::vector<std::string>& args)
    {
        return run_csmsctl(dir_, server_->admin_port(), token_file(), args);
    }

    // The "items" of a csmsctl --json list; a Null document when it failed.
    rapidjson::Document ctl_items(const std::vector<std::string>& args)
    {
        auto r = ctl(args);
        rapidjson::Document d;
        if (!r.status.success()) {
            return d;
        }
        d.Parse(r.out.c_str(), r.out.size());
        if (d.HasParseError() || !d.IsObject() || !d.HasMember("items") || !d["items"].IsArray()) {
            d.SetNull();
        }
        return d;
    }

private:
    TempDir dir_;
    std::unique_ptr<CsmsdProcess> server_;
    std::unique_ptr<ChildProcess> sim_;
    std::string sim_out_;
};

bool is(const rapidjson::Value& item, const char* key, std::string_view value)
{
    return item.HasMember(key) && item[key].IsString() && item[key].GetString() == value;
}

bool charger_connected(QuickStart& q)
{
    auto d = q.ctl_items({"chargers", "list", "--json"});
    if (d.IsNull()) {
        return false;
    }
    for (const auto& c : d["items"].GetArray()) {
        if (is(c, "charger_id", charger_id) && c.HasMember("connected") && c["connected"].IsBool() &&
            c["connected"].GetBool()) {
            return true;
        }
    }
    return false;
}

// The open transaction for DEMO-TAG on SIM-0001, if any.
std::optional<std::int64_t> open_transaction(QuickStart& q)
{
    auto d = q.ctl_items({"transactions", "list", "--open", "--json"});
    if (d.IsNull()) {
        return std::nullopt;
    }
    for (const auto& t : d["items"].GetArray()) {
        if (is(t, "charger_id", charger_id) && is(t, "id_tag", id_tag) && t.HasMember("transaction_id") &&
            t["transaction_id"].IsInt64()) {
            return t["transaction_id"].GetInt64();
        }
    }
    return std::nullopt;
}

struct Closed {
    std::int64_t energy_wh = 0;
    std::string stop_reason;
};

// The transaction once closed (not open, with its energy).
std::optional<Closed> closed_transaction(QuickStart& q, std::int64_t id)
{
    auto d = q.ctl_items({"transactions", "list", "--charger", charger_id, "--json"});
    if (d.IsNull()) {
        return std::nullopt;
    }
    for (const auto& t : d["items"].GetArray()) {
        if (!t.HasMember("transaction_id") || !t["transaction_id"].IsInt64() || t["transaction_id"].GetInt64() != id) {
            continue;
        }
        if (!t.HasMember("open") || !t["open"].IsBool() || t["open"].GetBool() || !t.HasMember("energy_wh") ||
            !t["energy_wh"].IsInt64()) {
            return std::nullopt;
        }
        Closed c;
        c.energy_wh = t["energy_wh"].GetInt64();
        if (t.HasMember("stop_reason") && t["stop_reason"].IsString()) {
            c.stop_reason = t["stop_reason"].GetString();
        }
        return c;
    }
    return std::nullopt;
}

} // namespace

TEST_CASE("quick start: csmsctl remote-starts and remote-stops a session on a simulated charger", "[e2e][quickstart]")
{
    QuickStart q;
    q.start_sim();

    // Step 3: the charger shows up connected.
    const bool connected = wait_until(
        [&] {
            q.sim_output();
            return charger_connected(q);
        },
        20s, 100ms);
    INFO("ocpp-sim stdout:\n" << q.sim_output());
    REQUIRE(connected);
    REQUIRE(q.ctl({"whoami"}).status.success());

    auto start = q.ctl({"chargers", "remote-start", charger_id, "--id-tag", id_tag, "--connector", "1"});
    INFO("remote-start: " << start.out << start.errors);
    REQUIRE(start.status.success());
    CHECK_THAT(start.out, Catch::StartsWith("status: Accepted\n"));

    // The charger starts the transaction it accepted.
    std::optional<std::int64_t> transaction;
    const bool started = wait_until(
        [&] {
            q.sim_output();
            transaction = open_transaction(q);
            return transaction.has_value();
        },
        20s, 100ms);
    INFO("ocpp-sim stdout:\n" << q.sim_output());
    REQUIRE(started);

    // A second remote start on the busy connector is refused by the charger.
    auto busy = q.ctl({"chargers", "remote-start", charger_id, "--id-tag", id_tag, "--connector", "1"});
    INFO("second remote-start: " << busy.out << busy.errors);
    CHECK_THAT(busy.out, Catch::StartsWith("status: Rejected\n"));

    auto stop = q.ctl({"chargers", "remote-stop", charger_id, "--transaction", std::to_string(*transaction)});
    INFO("remote-stop: " << stop.out << stop.errors);
    REQUIRE(stop.status.success());
    CHECK_THAT(stop.out, Catch::StartsWith("status: Accepted\n"));

    std::optional<Closed> closed;
    const bool stopped = wait_until(
        [&] {
            q.sim_output();
            closed = closed_transaction(q, *transaction);
            return closed.has_value();
        },
        20s, 100ms);
    INFO("ocpp-sim stdout:\n" << q.sim_output());
    REQUIRE(stopped);
    CHECK(closed->energy_wh > 0);
    CHECK(closed->stop_reason == "Remote");

    // Stopping it again: the charger runs no such transaction any more.
    auto again = q.ctl({"chargers", "remote-stop", charger_id, "--transaction", std::to_string(*transaction)});
    CHECK_THAT(again.out, Catch::StartsWith("status: Rejected\n"));

    // Commands and the charger's own frames as the quick start shows them.
    auto history = q.ctl({"commands", "history", "--charger", charger_id});
    CHECK_THAT(history.out, Catch::Contains("RemoteStartTransaction") && Catch::Contains("RemoteStopTransaction"));
    CHECK(q.ctl({"audit", "list"}).status.success());
    const std::string& frames = q.sim_output();
    CHECK_THAT(frames, Catch::Contains(std::string(charger_id) + " > [2,") && Catch::Contains("\"StartTransaction\"") &&
                           Catch::Contains("\"StopTransaction\""));
    CHECK(q.sim_running()); // still holding
}

TEST_CASE("quick start: every charger verb of csmsctl travels to the simulated charger and back", "[e2e][quickstart]")
{
    QuickStart q;
    q.start_sim();
    REQUIRE(wait_until(
        [&] {
            q.sim_output();
            return charger_connected(q);
        },
        20s, 100ms));
    const std::string pem = test_certs().ca(); // any certificate: the simulated charger takes what it gets
    const std::string later = "2030-01-01T00:00:00Z";
    const std::string profile = R"({"chargingProfileId":5,"stackLevel":1,"chargingProfilePurpose":"TxDefaultProfile",)"
                                R"("chargingProfileKind":"Absolute","chargingSchedule":{"chargingRateUnit":"A",)"
                                R"("chargingSchedulePeriod":[{"startPeriod":0,"limit":16}]}})";
    struct Verb {
        std::vector<std::string> args;
        std::string action;
    };
    const std::vector<Verb> verbs{
        {{"reset", charger_id}, "Reset"},
        {{"unlock", charger_id, "--connector", "1"}, "UnlockConnector"},
        {{"availability", charger_id, "--connector", "0", "--type", "Inoperative"}, "ChangeAvailability"},
        {{"set-config", charger_id, "HeartbeatInterval", "300"}, "ChangeConfiguration"},
        {{"get-config", charger_id}, "GetConfiguration"},
        {{"clear-cache", charger_id}, "ClearCache"},
        {{"trigger", charger_id, "StatusNotification", "--connector", "1"}, "TriggerMessage"},
        {{"get-diagnostics", charger_id, "--location", "ftp://logs.example/"}, "GetDiagnostics"},
        {{"update-firmware", charger_id, "--location", "https://fw.example/1.2.bin"}, "UpdateFirmware"},
        {{"send-local-list", charger_id, "--version", "3", "--full", "--tag", "TAG1", "--tag", "TAG2:Blocked"},
         "SendLocalList"},
        {{"local-list-version", charger_id}, "GetLocalListVersion"},
        {{"reserve", charger_id, "--connector", "1", "--id-tag", "TAG1", "--expiry", later, "--reservation-id", "7"},
         "ReserveNow"},
        {{"cancel-reservation", charger_id, "7"}, "CancelReservation"},
        {{"set-profile", charger_id, "--connector", "1", "--profile", profile}, "SetChargingProfile"},
        {{"clear-profile", charger_id, "--id", "5"}, "ClearChargingProfile"},
        {{"composite-schedule", charger_id, "--connector", "1", "--duration", "3600"}, "GetCompositeSchedule"},
        {{"data-transfer", charger_id, "--vendor", "com.example", "--message-id", "ping"}, "DataTransfer"},
        {{"remote-start", charger_id, "--id-tag", id_tag}, "RemoteStartTransaction"},
        {{"remote-stop", charger_id, "--transaction", "999999"}, "RemoteStopTransaction"},
        {{"extended-trigger", charger_id, "SignChargePointCertificate"}, "ExtendedTriggerMessage"},
        {{"get-log", charger_id, "--type", "SecurityLog", "--location", "https://logs.example/", "--request-id", "5"},
         "GetLog"},
        {{"install-certificate", charger_id, "--type", "CentralSystemRootCertificate", "--file", pem},
         "InstallCertificate"},
        {{"delete-certificate", charger_id, "--hash-algorithm", "SHA256", "--issuer-name-hash", "aa",
          "--issuer-key-hash", "bb", "--serial", "01"},
         "DeleteCertificate"},
        {{"installed-certificates", charger_id, "--type", "ManufacturerRootCertificate"}, "GetInstalledCertificateIds"},
        {{"certificate-signed", charger_id, "--file", pem}, "CertificateSigned"},
        {{"signed-update-firmware", charger_id, "--request-id", "9", "--location", "https://fw.example/2.0.bin",
          "--signing-certificate-file", pem, "--signature", "c2ln", "--retrieve-date", later},
         "SignedUpdateFirmware"},
    };
    for (const auto& verb : verbs) {
        std::vector<std::string> args{"chargers"};
        args.insert(args.end(), verb.args.begin(), verb.args.end());
        auto r = q.ctl(args);
        INFO(verb.action << ": exit " << r.status.describe() << "\n" << r.out << r.errors);
        CHECK(r.status.success());
        CHECK_THAT(r.out, Catch::Contains("command: "));
    }
    // Each one is in the history with the charger's answer.
    auto history = q.ctl_items({"commands", "history", "--charger", charger_id, "--limit", "100", "--json"});
    REQUIRE_FALSE(history.IsNull());
    std::vector<std::string> answered;
    for (const auto& item : history["items"].GetArray()) {
        if (is(item, "outcome", "result")) {
            answered.push_back(item["action"].GetString());
        }
    }
    for (const auto& verb : verbs) {
        CHECK(std::count(answered.begin(), answered.end(), verb.action) == 1);
    }
}
