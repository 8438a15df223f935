// What Prometheus scrapes from a real csmsd after a charger's session and an
// operator's command: durations as seconds histograms that move, the
// process_* series and csms_build_info, and no series that can never move
// (inbound counts of actions only the central system sends, TLS failures on
// a csmsd without a wss listener).
#include "support/admin_bootstrap.hpp"
#include "support/charger.hpp"
#include "support/csmsd_process.hpp"
#include "support/http_get.hpp"
#include "support/source_tree.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>

#include <ctime>
#include <future>
#include <map>
#include <sstream>

using namespace csms::test;

namespace {

// Every sample of the page: "name{labels}" -> value.
std::map<std::string, double> samples(const std::string& text)
{
    std::map<std::string, double> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        auto space = line.rfind(' ');
        if (line.empty() || line[0] == '#' || space == std::string::npos) {
            continue;
        }
        out[line.substr(0, space)] = std::stod(line.substr(space + 1));
    }
    return out;
}

double value(const std::map<std::string, double>& all, const std::string& series)
{
    auto it = all.find(series);
    INFO(series);
    REQUIRE(it != all.end());
    return it->second;
}

// A histogram's buckets (in text order here, not le order) never exceed
// _count, the +Inf bucket is _count, and _count is at least `at_least`.
void check_histogram(const std::map<std::string, double>& all, const std::string& name, const std::string& labels,
                     double at_least)
{
    INFO(name << "{" << labels << "}");
    const std::string braces = labels.empty() ? "" : "{" + labels + "}";
    const double count = value(all, name + "_count" + braces);
    CHECK(count >= at_least);
    CHECK(value(all, name + "_sum" + braces) > 0);
    const std::string bucket_prefix = name + "_bucket{" + labels + (labels.empty() ? "" : ",") + "le=\"";
    CHECK(value(all, bucket_prefix + "+Inf\"}") == count);
    int buckets = 0;
    for (auto it = all.lower_bound(bucket_prefix); it != all.end() && it->first.starts_with(bucket_prefix); ++it) {
        ++buckets;
        CHECK(it->second <= count);
    }
    CHECK(buckets >= 5);
}

} // namespace

TEST_CASE("/metrics after a session and a command: seconds histograms move, process and build series, nothing "
          "that cannot move",
          "[e2e][admin][metrics]")
{
    TempDir dir;
    auto token = bootstrap_admin(dir, dir.file("csms.db"), dir.file("token"));
    CsmsdProcess csmsd(dir); // ws only: no wss listener
    auto charger = accepted_charger(csmsd.ws_port(), "METRICS-E2E");
    auto started = charger->call("StartTransaction", start_payload(1, "TAG-1", 1000, test_time(1000)));
    REQUIRE(is_call_result(started));
    const auto tx = started[2]["transactionId"].GetInt64();
    REQUIRE(is_call_result(charger->call("MeterValues", meter_values_payload(1, test_time(2000), "1500", tx))));
    REQUIRE(is_call_result(charger->call("StopTransaction", stop_payload(tx, 2000, test_time(3000)))));
    REQUIRE(is_call_result(charger->call("Heartbeat", "{}")));

    // An operator's command, answered by the charger.
    auto command = std::async(std::launch::async, [&] {
        return http_request(csmsd.admin_port(), "POST", "/api/v1/chargers/METRICS-E2E/commands/ClearCache", "{}",
                            token);
    });
    auto call = next_call(*charger);
    REQUIRE(std::string(call[2].GetString()) == "ClearCache");
    answer_call(*charger, call, R"({"status":"Accepted"})");
    REQUIRE(command.get().status == 200);

    auto response = http_get(csmsd.admin_port(), "/metrics");
    REQUIRE(response.status == 200);
    const auto& text = response.body;
    INFO(text);
    auto all = samples(text);

    // Durations, in seconds, as histograms.
    CHECK(text.find("# TYPE csms_message_handling_seconds histogram\n") != std::string::npos);
    for (const auto* action : {"BootNotification", "StartTransaction", "MeterValues", "StopTransaction", "Heartbeat"}) {
        check_histogram(all, "csms_message_handling_seconds", std::string("action=\"") + action + "\"", 1);
    }
    check_histogram(all, "csms_writer_commit_seconds", "", 4); // each of those CALLs waited for a commit
    check_histogram(all, "csms_command_round_trip_seconds", "", 1);
    CHECK(value(all, R"(csms_commands_total{outcome="result"})") == 1);
    CHECK(text.find("microseconds") == std::string::npos);

    // The process and the build.
    CHECK(value(all, "process_cpu_seconds_total") >= 0); // in clock ticks: 0 for a csmsd this young
    CHECK(value(all, "process_resident_memory_bytes") > 1024 * 1024);
    CHECK(value(all, "process_open_fds") >= 3);
    const auto now = static_cast<double>(std::time(nullptr));
    CHECK(value(all, "process_start_time_seconds") > now - 600);
    CHECK(value(all, "process_start_time_seconds") <= now + 1);
    CHECK(value(all, "csms_build_info{version=\"" CSMS_VERSION "\"}") == 1);

    // Nothing that can never move.
    for (const auto* server_only : {"Reset", "RemoteStartTransaction", "ClearCache", "GetConfiguration",
                                    "TriggerMessage", "CertificateSigned", "UpdateFirmware"}) {
        CHECK(text.find(std::string("action=\"") + server_only + "\"") == std::string::npos);
    }
    CHECK(value(all, R"(csms_messages_total{action="StartTransaction",result="ok"})") == 1);
    CHECK(text.find("csms_tls_handshake_failures_total") == std::string::npos);
    // No family is announced without a sample.
    CHECK(text.find("# TYPE csms_partner_link_up") == std::string::npos);
}

TEST_CASE("docs/metrics.md: every family a csmsd exports has a row in the reference", "[e2e][metrics][docs]")
{
    TempDir dir;
    CsmsdProcess csmsd(dir);
    auto text = http_get(csmsd.admin_port(), "/metrics").body;
    const auto reference = read_source_file("docs/metrics.md");
    std::istringstream in(text);
    std::string line;
    int families = 0;
    while (std::getline(in, line)) {
        if (!line.starts_with("# TYPE ")) {
            continue;
        }
        ++families;
        const auto name = line.substr(7, line.find(' ', 7) - 7);
        INFO(name);
        CHECK(reference.find("| `" + name + "` |") != std::string::npos);
    }
    CHECK(families > 20);
}
