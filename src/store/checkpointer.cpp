#include "store/checkpointer.hpp"

#include "base/thread_name.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

namespace csms::store {
namespace {

// A PASSIVE checkpoint of a few pages takes a millisecond; a TRUNCATE of a
// large WAL on a slow disk, seconds.
const std::vector<double> checkpoint_buckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

// On the writer's connection, between two batches: a failure is logged,
// never thrown into the writer.
bool set_busy_timeout(Database& writer_db, int ms) noexcept
{
    try {
        writer_db.set_busy_timeout(ms);
        return true;
    } catch (const std::exception& e) {
        spdlog::error("checkpointer: could not set the writer's busy timeout to {} ms: {}", ms, e.what());
        return false;
    }
}

} // namespace

Checkpointer::Checkpointer(const std::string& path, Options options, base::Metrics& metrics)
    : options_(options), db_(path),
      checkpoints_(metrics.counter("csms_writer_checkpoints_total", "Background WAL checkpoints run")),
      truncations_(metrics.counter("csms_writer_checkpoint_truncations_total",
                                   "Background checkpoints that truncated a WAL past its size bound")),
      failures_(metrics.counter("csms_writer_checkpoint_failures_total", "Background checkpoints that failed")),
      catch_ups_(metrics.counter("csms_writer_checkpoint_catch_ups_total",
                                 "Checkpoints the writer ran between batches to restart the WAL")),
      seconds_(metrics.histogram("csms_writer_checkpoint_seconds",
                                 "Time each WAL checkpoint took, whatever its outcome", checkpoint_buckets)),
      wal_frames_(metrics.gauge("csms_writer_wal_frames", "WAL size in pages after the last commit")),
      wal_pages_written_(metrics.counter("csms_writer_wal_pages_total",
                                         "Pages the writer's commits appended to the WAL (each a page-sized write)"))
{
    // This connection never writes rows; it must not checkpoint on its own either.
    db_.exec("PRAGMA wal_autocheckpoint=0");
    auto& page_size = db_.cached("PRAGMA page_size");
    ResetGuard guard(page_size);
    frame_bytes_ = page_size.step() ? page_size.column_int64(0) + 24 : 4096 + 24; // 24: WAL frame header
    thread_ = std::thread([this] {
        base::name_this_thread("checkpointer");
        run();
    });
}

Checkpointer::~Checkpointer()
{
    stop();
}

void Checkpointer::wal_grew(int frames)
{
    wal_frames_.set(frames);
    if (static_cast<std::int64_t>(frames) * frame_bytes_ > options_.wal_limit_bytes) {
        over_limit_.store(true, std::memory_order_relaxed);
    }
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        // The WAL only grows between restarts: a smaller size means it began again.
        wal_pages_written_.inc(frames >= frames_ ? frames - frames_ : frames);
        frames_ = frames;
        if (frames < checkpointed_) {
            checkpointed_ = 0; // the writer restarted the WAL from its beginning
        }
        wake = frames - checkpointed_ >= options_.pages;
    }
    if (wake) {
        wake_.notify_one();
    }
}

void Checkpointer::stop()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) {
        thread_.join();
    }
}

void Checkpointer::run() noexcept
{
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait_for(lock, options_.interval,
                       [this] { return stopping_ || frames_ - checkpointed_ >= options_.pages; });
        if (stopping_) {
            return;
        }
        if (frames_ == checkpointed_) {
            continue; // nothing committed since the last checkpoint
        }
        checkpointed_ = frames_;
        if (wal_over_limit()) {
            // The writer truncates before its next batch; a checkpoint here
            // would hold the checkpoint lock and make that attempt BUSY.
            continue;
        }
        lock.unlock();
        int copied = 0;
        if (checkpoint(db_, SQLITE_CHECKPOINT_PASSIVE, &copied) == SQLITE_OK) {
            copied_.store(copied, std::memory_order_relaxed);
        }
        lock.lock();
    }
}

void Checkpointer::truncate(Database& writer_db) noexcept
{
    if (checkpoint_without_waiting(writer_db, SQLITE_CHECKPOINT_TRUNCATE) == SQLITE_OK) {
        over_limit_.store(false, std::memory_order_relaxed);
        truncations_.inc();
    }
}

void Checkpointer::catch_up(Database& writer_db) noexcept
{
    int frames = 0;
    {
        std::lock_guard lock(mutex_);
        frames = frames_;
    }
    const int copied = copied_.load(std::memory_order_relaxed);
    if (copied <= 0 || frames <= copied || frames - copied > options_.catch_up_pages) {
        return;
    }
    copied_.store(0, std::memory_order_relaxed); // once per background checkpoint
    if (checkpoint_without_waiting(writer_db, SQLITE_CHECKPOINT_PASSIVE) == SQLITE_OK) {
        catch_ups_.inc();
    }
}

int Checkpointer::checkpoint_without_waiting(Database& writer_db, int mode) noexcept
{
    // Never wait for a reader or a running checkpoint here: the writer would
    // stall with every batch behind it. BUSY leaves things as they were, and
    // the writer tries again before a later batch.
    if (!set_busy_timeout(writer_db, 0)) {
        failures_.inc();
        return SQLITE_MISUSE; // a checkpoint now could keep every batch waiting for seconds
    }
    int rc = checkpoint(writer_db, mode);
    set_busy_timeout(writer_db, Database::busy_timeout_ms);
    return rc;
}

int Checkpointer::checkpoint(Database& db, int mode, int* copied) noexcept
{
    const auto started = std::chrono::steady_clock::now();
    int log = 0;
    int done = 0;
    int rc = sqlite3_wal_checkpoint_v2(db.handle(), nullptr, mode, &log, &done);
    if (copied != nullptr) {
        *copied = done;
    }
    seconds_.observe(std::chrono::steady_clock::now() - started);
    if (rc == SQLITE_OK && log < 0) {
        // SQLite reports success, with -1 frames, when there is no WAL to
        // copy: the file is not in WAL mode, which the writer relies on.
        rc = SQLITE_ERROR;
        failures_.inc();
        spdlog::warn("checkpointer: checkpoint found no WAL (journal_mode is not WAL)");
    } else if (rc == SQLITE_OK) {
        checkpoints_.inc();
    } else if (rc != SQLITE_BUSY) {
        // BUSY only means another checkpoint or a reader was in the way;
        // the next round tries again.
        failures_.inc();
        spdlog::warn("checkpointer: checkpoint failed: {}", sqlite3_errstr(rc));
    }
    return rc;
}

} // namespace csms::store
