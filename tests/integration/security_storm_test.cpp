// A reconnect storm of profile-1 chargers, each needing its first PBKDF2
// check, must not stall the chargers already connected (decision 0018): the
// checks run on their own threads, not on the I/O threads.
#include "base/password_hash.hpp"
#include "store/charger_store.hpp"
#include "store/credentials_store.hpp"
#include "store/writer.hpp"
#include "support/charger.hpp"
#include "support/csmsd_process.hpp"
#include "support/test_certs.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

using namespace csms::test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

const std::string storm_key = "pw-Bilby-5150-secret";
const std::string live_key = "pw-Dingo-1234-secret";

// Every charger at profile 1 with the given stored hash. One slow hash shared
// by the whole storm keeps the setup quick; the authorizer still checks each
// charger's password on its own (its cache is per charger).
void seed_hashes(const std::string& db_path, const std::vector<std::pair<std::string, std::string>>& hashes)
{
    csms::base::Metrics metrics;
    csms::store::Writer writer(db_path, csms::store::Writer::Options{}, metrics);
    const auto now = csms::base::SystemClock().now_utc();
    auto done = std::make_shared<std::promise<bool>>();
    auto committed = done->get_future();
    writer.submit(
        [hashes, now](csms::store::Database& db) {
            for (const auto& [id, hash] : hashes) {
                csms::store::set_registration(db, id, csms::store::Registration::accepted);
                csms::store::set_security_profile(db, id, 1, now);
                csms::store::set_authorization_key_hash(db, id, hash, now);
            }
        },
        [done](bool ok) { done->set_value(ok); });
    REQUIRE(committed.wait_for(30s) == std::future_status::ready);
    REQUIRE(committed.get());
}

} // namespace

TEST_CASE("A storm of profile-1 chargers connecting for the first time does not hold up a connected charger's "
          "Heartbeats",
          "[e2e][security]")
{
    // Every check queued must end within csmsd's 30 s upgrade deadline even
    // on a loaded machine under the sanitizers, where a check of a million
    // iterations took 2.5 s on one pool thread: 40 of them left half the
    // storm past the deadline.
    constexpr int storm_size = 12;
    // Twice the stored default: the storm's hashing still lasts far longer
    // than the hundred Heartbeats below take when nothing stalls them.
    constexpr int storm_iterations = 200'000;
    // Answers the connected charger must get while the storm is hashed. With
    // the checks on the two I/O threads it gets about one per finished check
    // (each Heartbeat waits behind a hash), well under this.
    constexpr int heartbeats_meanwhile = 100;

    TempDir dir;
    const std::string storm_hash = csms::base::hash_secret(storm_key, storm_iterations);
    std::vector<std::pair<std::string, std::string>> hashes{{"CP-LIVE", csms::base::hash_secret(live_key, 1000)}};
    for (int i = 0; i < storm_size; ++i) {
        hashes.emplace_back("CP-STORM-" + std::to_string(i), storm_hash);
    }
    seed_hashes(dir.file("csms.db"), hashes);
    auto options = secure_csmsd(dir);
    {
        // Two I/O threads whatever the machine: the storm must be able to
        // take them all. Top-level keys go before [security].
        const std::string config = dir.file("csmsd-security.toml");
        std::ostringstream toml;
        toml << "threads = 2\n" << std::ifstream(config).rdbuf();
        std::ofstream(config) << toml.str();
    }
    CsmsdProcess csmsd(dir, options);
    const auto port = csmsd.ws_port();

    auto live = connect_as(port, "CP-LIVE", ws_options(basic_authorization("CP-LIVE", live_key)));
    INFO(describe(live.result));
    REQUIRE(live.result.ok);
    REQUIRE(boot(*live.client) == "Accepted");

    // The connected charger sends Heartbeats back to back and notes when each
    // answer came, until told to stop.
    std::atomic<bool> stop{false};
    std::mutex answers_mutex;
    std::vector<Clock::time_point> answers;
    std::atomic<bool> heartbeat_failed{false};
    std::thread heartbeats([&] {
        try {
            while (!stop) {
                auto reply = live.client->call("Heartbeat", "{}", 60s);
                if (!is_call_result(reply)) {
                    heartbeat_failed = true;
                    return;
                }
                std::lock_guard lock(answers_mutex);
                answers.push_back(Clock::now());
            }
        } catch (const std::exception&) {
            heartbeat_failed = true;
        }
    });
    auto answered = [&] {
        std::lock_guard lock(answers_mutex);
        return answers.size();
    };
    REQUIRE(wait_until([&] { return answered() >= 3 || heartbeat_failed; }, 10s));

    // The storm: every charger dials at once, each with its right key.
    const auto storm_start = Clock::now();
    std::vector<std::future<std::pair<ConnectResult, Clock::time_point>>> storm;
    std::vector<std::unique_ptr<WsClient>> clients;
    for (int i = 0; i < storm_size; ++i) {
        clients.push_back(std::make_unique<WsClient>());
    }
    for (int i = 0; i < storm_size; ++i) {
        storm.push_back(std::async(std::launch::async, [&, i] {
            const std::string id = "CP-STORM-" + std::to_string(i);
            auto result = clients[static_cast<std::size_t>(i)]->connect(
                port, "/ocpp/" + id, ws_options(basic_authorization(id, storm_key)), 120s);
            return std::make_pair(result, Clock::now());
        }));
    }
    Clock::time_point last_upgrade = storm_start;
    int upgraded = 0;
    for (auto& attempt : storm) {
        auto [result, at] = attempt.get();
        UNSCOPED_INFO(describe(result));
        if (result.ok && result.http_status == 101) {
            ++upgraded;
        }
        last_upgrade = std::max(last_upgrade, at);
    }
    stop = true;
    heartbeats.join();

    CHECK_FALSE(heartbeat_failed);
    CHECK(upgraded == storm_size);
    std::size_t meanwhile = 0;
    {
        std::lock_guard lock(answers_mutex);
        for (auto at : answers) {
            if (at > storm_start && at < last_upgrade) {
                ++meanwhile;
            }
        }
    }
    INFO("Heartbeats answered during the storm: "
         << meanwhile << ", storm took "
         << std::chrono::duration_cast<std::chrono::milliseconds>(last_upgrade - storm_start).count() << " ms");
    CHECK(meanwhile >= static_cast<std::size_t>(heartbeats_meanwhile));
    // The storm's chargers are served too, once checked.
    CHECK(boot(*clients.front()) == "Accepted");
}
