#include "store/checkpointer.hpp"

#include "store/charger_store.hpp"
#include "store/migrations.hpp"
#include "store/writer.hpp"
#include "support/temp_dir.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

using namespace csms::store;
using namespace std::chrono_literals;

namespace {

void prepare(const std::string& path)
{
    Database db(path);
    migrate(db);
    set_registration(db, "CP1", Registration::accepted);
}

// One job writing about `bytes` of row data.
Writer::Work insert_bulk(std::size_t bytes)
{
    return [bytes](Database& db) {
        auto& statement = db.cached("INSERT INTO data_transfers (charger_id, vendor_id, data, received_at) "
                                    "VALUES ('CP1', 'bulk', ?1, '2026-01-01T00:00:00.000Z')");
        statement.bind(1, std::string(bytes, 'x'));
        statement.execute();
    };
}

std::int64_t file_size(const std::string& path)
{
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    return ec ? 0 : static_cast<std::int64_t>(size);
}

std::int64_t count_rows(const std::string& path)
{
    Database reader(path, true);
    auto& statement = reader.cached("SELECT count(*) FROM data_transfers");
    ResetGuard guard(statement);
    statement.step();
    return statement.column_int64(0);
}

} // namespace

TEST_CASE("Checkpointer: the WAL stays bounded while the writer keeps committing", "[store][writer][checkpoint]")
{
    csms::test::TempDir dir;
    const auto path = dir.file("csms.db");
    prepare(path);
    csms::base::Metrics metrics;
    Writer::Options options;
    options.checkpoint = Checkpointer::Options{.pages = 50, .interval = 20ms, .wal_limit_bytes = 1024 * 1024};
    Writer writer(path, options, metrics);

    // 20 MB in 40 rounds. The writer's own connection never checkpoints
    // (wal_autocheckpoint=0), so without the background thread the WAL
    // would hold all of it.
    constexpr int rounds = 40;
    constexpr int jobs_per_round = 10;
    constexpr std::size_t bytes_per_job = 50 * 1024;
    std::int64_t largest_wal = 0;
    for (int round = 0; round < rounds; ++round) {
        for (int i = 0; i < jobs_per_round; ++i) {
            writer.submit(insert_bulk(bytes_per_job), {});
        }
        writer.flush();
        largest_wal = std::max(largest_wal, file_size(path + "-wal"));
    }
    INFO("largest WAL seen: " << largest_wal << " bytes; checkpoints "
                              << metrics.counter("csms_writer_checkpoints_total", "").value() << ", truncations "
                              << metrics.counter("csms_writer_checkpoint_truncations_total", "").value());
    CHECK(largest_wal < 8 * 1024 * 1024);
    CHECK(metrics.counter("csms_writer_checkpoints_total", "").value() > 0);
    CHECK(metrics.counter("csms_writer_checkpoint_failures_total", "").value() == 0);
    CHECK(metrics.gauge("csms_writer_wal_frames", "").value() > 0);
    CHECK(count_rows(path) == rounds * jobs_per_round);
}

TEST_CASE("Checkpointer: under back-to-back batches the writer catches up and the WAL starts again, never truncated",
          "[store][writer][checkpoint]")
{
    csms::test::TempDir dir;
    const auto path = dir.file("csms.db");
    prepare(path);
    csms::base::Metrics metrics;
    Writer::Options options;
    options.max_batch = 5; // many commits with no pause between them
    options.checkpoint = Checkpointer::Options{.pages = 50, .interval = 20ms, .wal_limit_bytes = 1024LL << 30};
    Writer writer(path, options, metrics);

    // 20 MB queued at once: the writer never waits for work, so the
    // background checkpoint is always a batch behind and, without the
    // writer's catch-up, the WAL would never start again (the truncation
    // bound is out of reach). How soon the checkpointer thread runs, and
    // whether it is reading at the moment the writer could restart the WAL,
    // is up to the scheduler (a loaded CI machine may starve it for whole
    // rounds), so rounds go on until the writer has caught up and the WAL
    // has started again.
    constexpr int jobs_per_round = 400;
    constexpr std::int64_t wal_header = 32;
    constexpr std::int64_t frame_bytes = 4096 + 24;
    auto catch_ups = [&] { return metrics.counter("csms_writer_checkpoint_catch_ups_total", "").value(); };
    auto pages_written = [&] {
        return static_cast<std::int64_t>(metrics.counter("csms_writer_wal_pages_total", "").value());
    };
    // SQLite reuses the WAL file without shrinking it: the frames it has
    // room for are the most it held, fewer than were written only if it
    // started again.
    auto wal_started_again = [&] { return (file_size(path + "-wal") - wal_header) / frame_bytes < pages_written(); };
    int jobs = 0;
    for (int round = 0; round < 20 && (catch_ups() == 0 || !wal_started_again()); ++round) {
        for (int i = 0; i < jobs_per_round; ++i) {
            writer.submit(insert_bulk(50 * 1024), {});
        }
        jobs += jobs_per_round;
        writer.flush();
    }
    INFO("WAL file: " << file_size(path + "-wal") << " bytes after " << pages_written() << " pages written, " << jobs
                      << " jobs");
    CHECK(catch_ups() > 0);
    CHECK(wal_started_again());
    CHECK(metrics.counter("csms_writer_checkpoint_truncations_total", "").value() == 0);
    CHECK(pages_written() >= jobs * 12); // 50 KB rows: 13 pages each
    CHECK(count_rows(path) == jobs);
}

TEST_CASE("Checkpointer: a checkpoint runs on the interval even below the page threshold",
          "[store][writer][checkpoint]")
{
    csms::test::TempDir dir;
    const auto path = dir.file("csms.db");
    prepare(path);
    csms::base::Metrics metrics;
    Writer::Options options;
    options.checkpoint = Checkpointer::Options{.pages = 1'000'000, .interval = 10ms, .wal_limit_bytes = 1 << 30};
    Writer writer(path, options, metrics);
    writer.submit(insert_bulk(100), {});
    writer.flush();
    CHECK(
        csms::test::wait_until([&] { return metrics.counter("csms_writer_checkpoints_total", "").value() > 0; }, 30s));
}

TEST_CASE("Checkpointer: stopping the writer mid-stream is clean and loses nothing acknowledged",
          "[store][writer][checkpoint]")
{
    csms::test::TempDir dir;
    const auto path = dir.file("csms.db");
    prepare(path);
    std::atomic<int> acknowledged{0};
    {
        csms::base::Metrics metrics;
        Writer::Options options;
        options.checkpoint = Checkpointer::Options{.pages = 10, .interval = 1ms, .wal_limit_bytes = 64 * 1024};
        Writer writer(path, options, metrics);
        for (int i = 0; i < 200; ++i) {
            writer.submit(insert_bulk(4096), [&](bool ok) { acknowledged += ok ? 1 : 0; });
        }
        writer.stop(); // drains, then stops the checkpointer; the destructor repeats it
        writer.stop();
    }
    CHECK(acknowledged == 200);
    CHECK(count_rows(path) == 200);
}

TEST_CASE("Checkpointer: stop() is idempotent without any commit", "[store][checkpoint]")
{
    csms::test::TempDir dir;
    const auto path = dir.file("csms.db");
    prepare(path);
    csms::base::Metrics metrics;
    Checkpointer checkpointer(path, {}, metrics);
    checkpointer.wal_grew(5);
    checkpointer.stop();
    checkpointer.stop();
    CHECK(metrics.counter("csms_writer_checkpoint_failures_total", "").value() == 0);
}
