#include "store/writer.hpp"

#include "store/charger_store.hpp"
#include "store/migrations.hpp"
#include "support/temp_dir.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

using namespace csms::store;
using namespace std::chrono_literals;

namespace {

// Collects done() outcomes from the writer thread; the test thread waits on it
// with a deadline instead of sleeping.
class Outcomes {
public:
    Writer::Done done(int key)
    {
        return [this, key](bool ok) {
            std::lock_guard lock(mutex_);
            results_.emplace_back(key, ok);
            changed_.notify_all();
        };
    }

    bool wait_for(std::size_t count, std::chrono::seconds deadline = 30s)
    {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, deadline, [&] { return results_.size() >= count; });
    }

    std::vector<std::pair<int, bool>> results() const
    {
        std::lock_guard lock(mutex_);
        return results_;
    }

    std::optional<bool> result(int key) const
    {
        std::lock_guard lock(mutex_);
        for (auto [k, ok] : results_) {
            if (k == key) {
                return ok;
            }
        }
        return std::nullopt;
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::pair<int, bool>> results_;
};

// Holds the writer thread inside one job, so that everything submitted
// meanwhile queues up and forms the next batch: tests of batching do not
// depend on timing. close() opens it; the destructor too, in case a check failed.
class Gate {
public:
    // Submits the holding job and returns once the writer thread is in it.
    void hold(Writer& writer, Writer::Done done = {})
    {
        writer.submit(
            [this](Database&) {
                entered_.set_value();
                opened_.wait();
            },
            std::move(done));
        entered_.get_future().wait();
    }
    void open()
    {
        if (!is_open_) {
            is_open_ = true;
            open_.set_value();
        }
    }
    ~Gate() { open(); }

private:
    std::promise<void> entered_;
    std::promise<void> open_;
    std::shared_future<void> opened_ = open_.get_future().share();
    bool is_open_ = false;
};

Writer::Work insert_row(int value)
{
    return [value](Database& db) {
        auto& statement = db.cached("INSERT INTO data_transfers (charger_id, vendor_id, data, received_at) "
                                    "VALUES ('CP1', 'test', ?1, '2026-01-01T00:00:00.000Z')");
        statement.bind(1, std::to_string(value));
        statement.execute();
    };
}

std::int64_t count_rows(const std::string& path, const std::string& where = "1")
{
    Database reader(path, true);
    auto& statement = reader.cached("SELECT count(*) FROM data_transfers WHERE " + where);
    statement.step();
    return statement.column_int64(0);
}

void prepare(const std::string& path)
{
    Database db(path);
    migrate(db);
    set_registration(db, "CP1", Registration::accepted);
}

} // namespace

TEST_CASE("Writer: creates and migrates its database", "[store][writer]")
{
    csms::test::TempDir dir;
    csms::base::Metrics metrics;
    Writer writer(dir.file("csms.db"), {}, metrics);
    writer.stop();
    Database db(dir.file("csms.db"), true);
    CHECK(schema_version(db) == latest_schema_version());
}

TEST_CASE("Writer: many jobs from several threads commit in fewer batches than jobs", "[store][writer]")
{
    csms::test::TempDir dir;
    const auto path = dir.file("csms.db");
    prepare(path);
    csms::base::Metrics metrics;
    Writer writer(path, {}, metrics);
    Outcomes outcomes;

    Gate gate;
    gate.hold(writer, outcomes.done(-1));

    constexpr int threads = 4;
    constexpr int per_thread = 250;
    std::vector<std::thread> submitters;
    for (int t = 0; t < threads; ++t) {
        submitters.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                int key = t * per_thread + i;
                writer.submit(insert_row(key), outcomes.done(key));
            }
        });
    }
    for (auto& thread : submitters) {
        thread.join();
    }
    CHECK(writer.queue_depth() == threads * per_thread);
    CHECK(metrics.gauge("csms_writer_queue_depth", "").value() == threads * per_thread);
    gate.open();

    constexpr std::size_t total = threads * per_thread + 1;
    REQUIRE(outcomes.wait_for(total));
    for (auto [key, ok] : outcomes.results()) {
        INFO("job " << key);
        CHECK(ok);
    }
    CHECK(count_rows(path) == threads * per_thread);

    auto commits = metrics.counter("csms_writer_commits_total", "").value();
    CHECK(metrics.counter("csms_writer_jobs_total", "").value() == total);
    CHECK(commits < total);
    CHECK(commits == 2); // the gate, then everything queued behind it (max_batch 1024)
    CHECK(metrics.gauge("csms_writer_batch_size_max", "").value() == threads * per_thread);
    CHECK(metrics.counter("csms_writer_job_failures_total", "").value() == 0);
    CHECK(metrics.gauge("csms_writer_queue_depth", "").value() == 0);
    CHECK(metrics.gauge("csms_writer_batch_size_last", "").value() >= 1);
    auto rendered = metrics.render_prometheus();
    CHECK(rendered.find("csms_writer_commits_total " + std::to_string(commits)) != std::string::npos);
    // One commit time per group commit, in seconds.
    CHECK(rendered.find("\ncsms_writer_commit_seconds_count " + std::to_string(commits) + "\n") != std::string::npos);
    CHECK(rendered.find("\ncsms_writer_commit_seconds_bucket{le=\"+Inf\"} " + std::to_string(commits) + "\n") !=
          std::string::npos);
    CHECK(rendered.find("\ncsms_writer_commit_seconds_sum 0\n") == std::string::npos);
}

TEST_CASE("Writer: max_batch bounds the jobs in one transaction", "[store][writer]")
{
    csms::test::TempDir dir;
    const auto path = dir.file("csms.db");
    prepare(path);
    csms::base::Metrics metrics;
    Writer writer(path, Writer::Options{.max_batch = 10}, metrics);
    Outcomes outcomes;
    Gate gate;
    gate.hold(writer, outcomes.done(-1));
    for (int i = 0; i < 35; ++i) {
        writer.submit(insert_row(i), outcomes.done(i));
    }
    gate.open();
    REQUIRE(outcomes.wait_for(36));
    CHECK(metrics.gauge("csms_writer_batch_size_max", "").value() == 10);
    CHECK(metrics.counter("csms_writer_commits_total", "").value() >= 4);
    CHECK(count_rows(path) == 35);
}

TEST_CASE("Writer: a job that throws is rolled back alone", "[store][writer]")
{
    csms::test::TempDir dir;
    const auto path = dir.file("csms.db");
    prepare(path);
    csms::base::Metrics metrics;
    Outcomes outcomes;
    {
        Writer writer(path, {}, metrics);
        Gate gate;
        gate.hold(writer, outcomes.done(-1));
        writer.submit(insert_row(1), outcomes.done(1));
        writer.submit(
            [](Database& db) {
                insert_row(2)(db); // written, then undone with the savepoint
                throw std::runtime_error("job failed half-way");
            },
            outcomes.done(2));
        writer.submit(
            [](Database& db) {
                // A constraint failure inside SQLite is isolated the same way.
                db.exec("INSERT INTO data_transfers (charger_id, vendor_id, received_at) VALUES ('CP-NONE', 'x', 'y')");
            },
            outcomes.done(3));
        writer.submit(insert_row(4), outcomes.done(4));
        gate.open();
        REQUIRE(outcomes.wait_for(5));
        CHECK(metrics.counter("csms_writer_commits_total", "").value() == 2);
    }
    CHECK(outcomes.result(1) == true);
    CHECK(outcomes.result(2) == false);
    CHECK(outcomes.result(3) == false);
    CHECK(outcomes.result(4) == true);
    CHECK(count_rows(path) == 2);
    CHECK(count_rows(path, "data IN ('1', '4')") == 2);
    CHECK(metrics.counter("csms_writer_job_failures_total", "").value() == 2);
}

TEST_CASE("Writer: a failed COMMIT reports every job of the batch as failed", "[store][writer]")
{
    csms::test::TempDir dir;
    const auto path = dir.file("csms.db");
    prepare(path);
    {
        // A deferred foreign key is checked only at COMMIT, so this job
        // succeeds inside its savepoint and makes the whole COMMIT fail.
        Database db(path);
        db.exec("CREATE TABLE late (charger_id TEXT REFERENCES chargers (charger_id) DEFERRABLE INITIALLY DEFERRED)");
    }
    csms::base::Metrics metrics;
    Writer writer(path, {}, metrics);
    Outcomes outcomes;
    Gate gate;
    gate.hold(writer, outcomes.done(-1));
    writer.submit(insert_row(1), outcomes.done(1));
    writer.submit([](Database& db) { db.exec("INSERT INTO late VALUES ('CP-NONE')"); }, outcomes.done(2));
    gate.open();
    REQUIRE(outcomes.wait_for(3));
    CHECK(outcomes.result(1) == false);
    CHECK(outcomes.result(2) == false);
    CHECK(count_rows(path) == 0);

    // The writer carries on with the next batch.
    writer.submit(insert_row(3), outcomes.done(3));
    REQUIRE(outcomes.wait_for(4));
    CHECK(outcomes.result(3) == true);
    CHECK(count_rows(path) == 1);
}

TEST_CASE("Writer: stop() drains the queue and calls every done", "[store][writer]")
{
    csms::test::TempDir dir;
    const auto path = dir.file("csms.db");
    prepare(path);
    csms::base::Metrics metrics;
    Writer writer(path, {}, metrics);
    Outcomes outcomes;
    Gate gate;
    gate.hold(writer, outcomes.done(-1));
    for (int i = 0; i < 100; ++i) {
        writer.submit(insert_row(i), outcomes.done(i));
    }
    // stop() blocks until drained, so the gate opens from another thread.
    std::thread opener([&] { gate.open(); });
    writer.stop();
    opener.join();
    CHECK(outcomes.results().size() == 101);
    for (auto [key, ok] : outcomes.results()) {
        INFO("job " << key);
        CHECK(ok);
    }
    CHECK(count_rows(path) == 100);
    CHECK(writer.queue_depth() == 0);
    writer.stop(); // idempotent
}

TEST_CASE("Writer: submit after stop() calls done(false) at once and runs nothing", "[store][writer]")
{
    csms::test::TempDir dir;
    const auto path = dir.file("csms.db");
    prepare(path);
    csms::base::Metrics metrics;
    Writer writer(path, {}, metrics);
    writer.stop();
    bool ran = false;
    std::optional<bool> outcome;
    writer.submit([&](Database&) { ran = true; }, [&](bool ok) { outcome = ok; });
    CHECK(outcome == false); // synchronously, on this thread
    CHECK_FALSE(ran);
}

TEST_CASE("Writer: data is visible from a second connection once done(true) is called", "[store][writer]")
{
    csms::test::TempDir dir;
    const auto path = dir.file("csms.db");
    prepare(path);
    csms::base::Metrics metrics;
    Writer writer(path, {}, metrics);
    Database reader(path, true); // opened before the write, kept open
    std::promise<std::int64_t> seen;
    writer.submit(insert_row(7), [&](bool ok) {
        // Read from the done callback itself: the commit must already be
        // visible to other connections at this point.
        std::int64_t count = -1;
        if (ok) {
            auto& statement = reader.cached("SELECT count(*) FROM data_transfers WHERE data = '7'");
            ResetGuard guard(statement);
            statement.step();
            count = statement.column_int64(0);
        }
        // Only now: the test thread destroys reader as soon as it sees the value.
        seen.set_value(count);
    });
    auto future = seen.get_future();
    REQUIRE(future.wait_for(30s) == std::future_status::ready);
    CHECK(future.get() == 1);
}

TEST_CASE("Writer: acknowledged data survives destroying the writer and reopening the file", "[store][writer]")
{
    csms::test::TempDir dir;
    const auto path = dir.file("csms.db");
    prepare(path);
    Outcomes outcomes;
    {
        csms::base::Metrics metrics;
        Writer writer(path, {}, metrics);
        for (int i = 0; i < 10; ++i) {
            writer.submit(insert_row(i), outcomes.done(i));
        }
        REQUIRE(outcomes.wait_for(10));
    }
    Database reopened(path);
    auto& statement = reopened.cached("SELECT count(*) FROM data_transfers");
    REQUIRE(statement.step());
    CHECK(statement.column_int64(0) == 10);
}

TEST_CASE("Writer: acknowledged data survives the process being killed right after done(true)", "[store][writer]")
{
    csms::test::TempDir dir;
    const auto path = dir.file("csms.db");
    prepare(path);

    // The child acknowledges, then dies without any cleanup (no stop, no
    // destructors, no checkpoint); a fresh connection in the parent then
    // recovers what was committed from the WAL.
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        csms::base::Metrics metrics;
        auto* writer = new Writer(path, {}, metrics); // never deleted: the process is killed
        std::promise<bool> acknowledged;
        writer->submit(insert_row(99), [&](bool ok) { acknowledged.set_value(ok); });
        bool ok = acknowledged.get_future().get();
        if (!ok) {
            ::_exit(3);
        }
        ::kill(::getpid(), SIGKILL);
        ::_exit(4); // not reached
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
    CHECK(count_rows(path, "data = '99'") == 1);
}

TEST_CASE("Writer: an exception from done() does not stop the writer", "[store][writer]")
{
    csms::test::TempDir dir;
    const auto path = dir.file("csms.db");
    prepare(path);
    csms::base::Metrics metrics;
    Writer writer(path, {}, metrics);
    Outcomes outcomes;
    writer.submit(insert_row(1), [](bool) { throw std::runtime_error("careless callback"); });
    writer.submit(insert_row(2), outcomes.done(2));
    REQUIRE(outcomes.wait_for(1));
    CHECK(outcomes.result(2) == true);
    CHECK(count_rows(path) == 2);
}

TEST_CASE("Writer: stop() from inside a done callback does not deadlock", "[store][writer]")
{
    csms::test::TempDir dir;
    const auto path = dir.file("csms.db");
    prepare(path);
    csms::base::Metrics metrics;
    Outcomes outcomes;
    Writer writer(path, {}, metrics);
    writer.submit(insert_row(1), [&](bool ok) {
        writer.stop();
        outcomes.done(1)(ok);
    });
    REQUIRE(outcomes.wait_for(1));
    CHECK(outcomes.result(1) == true);
    std::optional<bool> late;
    writer.submit(insert_row(2), [&](bool ok) { late = ok; });
    CHECK(late == false);
}

TEST_CASE("Writer: the tick runs on its interval, in flush() and once more at stop()", "[store][writer]")
{
    csms::test::TempDir dir;
    const auto path = dir.file("csms.db");
    prepare(path);
    csms::base::Metrics metrics;
    std::atomic<int> ticks{0};
    Writer::Options options;
    options.tick_interval = 10ms;
    Writer writer(path, options, metrics);
    writer.set_tick([&](Database& db) {
        ++ticks;
        insert_row(1000 + ticks.load())(db); // runs inside the batch, like any job
    });
    // With nothing submitted the tick still comes round.
    REQUIRE(csms::test::wait_until([&] { return ticks.load() >= 3; }, 30s));

    writer.set_tick({}); // cleared: waits for a running tick, then none runs
    int after_clear = ticks.load();
    writer.submit(insert_row(1), {});
    writer.flush();
    CHECK(ticks.load() == after_clear);

    std::atomic<int> flushed{0};
    writer.set_tick([&](Database&) { ++flushed; });
    writer.flush();
    CHECK(flushed.load() >= 1);
    int before_stop = flushed.load();
    writer.stop();
    CHECK(flushed.load() > before_stop);
    CHECK(count_rows(path, "data > '1000'") == after_clear);
}
