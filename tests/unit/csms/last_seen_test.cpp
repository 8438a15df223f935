#include "csms/last_seen.hpp"

#include "base/time_format.hpp"
#include "charger_harness.hpp"
#include "store/charger_store.hpp"
#include "store/migrations.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <thread>
#include <vector>

using csms::LastSeen;
using csms::base::SysTime;
using namespace std::chrono_literals;

namespace {

SysTime at(std::int64_t seconds)
{
    return SysTime{std::chrono::milliseconds{1'767'225'600'000 + seconds * 1000}};
}

std::string charger(int i)
{
    return "CP-" + std::to_string(i);
}

void prepare(const std::string& path, int chargers)
{
    csms::store::Database db(path);
    csms::store::migrate(db);
    for (int i = 0; i < chargers; ++i) {
        csms::store::set_registration(db, charger(i), csms::store::Registration::accepted);
    }
}

std::map<std::string, std::string> last_heartbeats(const std::string& path)
{
    csms::store::Database reader(path, true);
    auto& statement = reader.cached("SELECT charger_id, last_heartbeat FROM chargers WHERE last_heartbeat IS NOT NULL");
    csms::store::ResetGuard guard(statement);
    std::map<std::string, std::string> out;
    while (statement.step()) {
        out[statement.column_text(0)] = statement.column_text(1);
    }
    return out;
}

// Chargers × beats, from several threads, each charger's times out of order.
void beat(LastSeen& last_seen, int chargers, int beats)
{
    constexpr int threads = 4;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (int i = t; i < chargers; i += threads) {
                for (int b = 0; b < beats; ++b) {
                    // 0, beats-1, 1, beats-2, ...: the latest is not the last noted.
                    int second = b % 2 == 0 ? b / 2 : beats - 1 - b / 2;
                    last_seen.note(charger(i), at(i * 1000 + second));
                }
            }
        });
    }
    for (auto& worker : workers) {
        worker.join();
    }
}

} // namespace

TEST_CASE("LastSeen: after a flush each charger's last_seen is its latest heartbeat", "[csms][heartbeat]")
{
    csms::test::TempDir dir;
    const auto path = dir.file("csms.db");
    constexpr int chargers = 300;
    constexpr int beats = 20;
    prepare(path, chargers);
    csms::base::Metrics metrics;
    csms::store::Writer writer(path, {}, metrics);
    LastSeen last_seen(writer);

    auto jobs_before = metrics.counter("csms_writer_jobs_total", "").value();
    beat(last_seen, chargers, beats);
    CHECK(last_seen.pending() == chargers);
    writer.flush();
    CHECK(last_seen.pending() == 0);
    // 6,000 heartbeats, a handful of writer jobs: the flush and any ticks.
    CHECK(metrics.counter("csms_writer_jobs_total", "").value() - jobs_before < 10);

    auto stored = last_heartbeats(path);
    REQUIRE(stored.size() == chargers);
    for (int i = 0; i < chargers; ++i) {
        INFO(charger(i));
        CHECK(stored[charger(i)] == csms::base::format_date_time(at(i * 1000 + beats - 1)));
    }

    // An older time noted later never moves last_seen back.
    last_seen.note(charger(0), at(-5));
    writer.flush();
    CHECK(last_heartbeats(path)[charger(0)] == csms::base::format_date_time(at(beats - 1)));
}

TEST_CASE("LastSeen: times noted before the writer stops are written at stop", "[csms][heartbeat]")
{
    csms::test::TempDir dir;
    const auto path = dir.file("csms.db");
    constexpr int chargers = 50;
    prepare(path, chargers);
    {
        csms::base::Metrics metrics;
        csms::store::Writer writer(path, {}, metrics);
        LastSeen last_seen(writer);
        beat(last_seen, chargers, 3);
        last_seen.note("CP-UNKNOWN", at(1)); // no row: changes nothing, fails nothing
        writer.stop();                       // no flush() first
        CHECK(last_seen.pending() == 0);
        CHECK(metrics.counter("csms_writer_job_failures_total", "").value() == 0);
    }
    auto stored = last_heartbeats(path);
    REQUIRE(stored.size() == chargers);
    for (int i = 0; i < chargers; ++i) {
        CHECK(stored[charger(i)] == csms::base::format_date_time(at(i * 1000 + 2)));
    }
}

TEST_CASE("Heartbeat: later heartbeats are answered without a writer job and stored at the next flush",
          "[csms][heartbeat]")
{
    csms::test::ChargerHarness h;
    h.boot();
    h.result("Heartbeat", "{}"); // the first: stored before it is answered
    CHECK(h.text("SELECT last_heartbeat FROM chargers") == csms::base::format_date_time(h.clock().now_utc()));

    auto& jobs = h.metrics().counter("csms_writer_jobs_total", "");
    auto jobs_before = jobs.value();
    for (int i = 0; i < 50; ++i) {
        h.clock().advance(std::chrono::seconds(30));
        auto reply = h.result("Heartbeat", "{}");
        CHECK(csms::base::parse_date_time(reply["currentTime"].GetString()) == h.clock().now_utc());
    }
    // Only writer ticks (one a second at most) ran meanwhile, not 50 jobs.
    CHECK(jobs.value() - jobs_before < 50);

    h.flush();
    CHECK(h.text("SELECT last_heartbeat FROM chargers") == csms::base::format_date_time(h.clock().now_utc()));
}

TEST_CASE("Heartbeat: a new connection stores its first heartbeat again", "[csms][heartbeat]")
{
    csms::test::ChargerHarness h;
    h.boot();
    h.result("Heartbeat", "{}");
    h.result("Heartbeat", "{}");
    h.clock().advance(std::chrono::minutes(1));
    h.connect("CP-1");
    h.result("Heartbeat", "{}");
    // No flush: the first heartbeat on the new connection is committed before its answer.
    CHECK(h.text("SELECT last_heartbeat FROM chargers") == csms::base::format_date_time(h.clock().now_utc()));
}
