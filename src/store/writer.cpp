#include "store/writer.hpp"

#include "base/thread_name.hpp"
#include "store/migrations.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <future>
#include <iterator>

namespace csms::store {
namespace {

Database open_migrated(const std::string& path)
{
    Database db(path);
    migrate(db);
    // Every connector's newest samples page is written again by its next
    // message: with SQLite's default 2 MiB cache, a thousand connectors'
    // pages no longer fit and each message re-reads its page from the file.
    db.exec("PRAGMA cache_size=-65536"); // KiB
    // Checkpoints run on the Checkpointer's connection, never inside one of
    // this connection's COMMITs.
    db.exec("PRAGMA wal_autocheckpoint=0");
    return db;
}

// An fsync on a fast SSD takes well under a millisecond; a disk that stalls
// takes seconds, and every charger's answer waits for it.
const std::vector<double> commit_buckets{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                         0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5};

void call_done(const Writer::Done& done, bool ok) noexcept
{
    if (!done) {
        return;
    }
    try {
        done(ok);
    } catch (...) { // NOLINT(bugprone-empty-catch): one bad callback must not stop the writer
    }
}

} // namespace

Writer::Writer(const std::string& path, Options options, base::Metrics& metrics)
    : db_(open_migrated(path)), options_(options), checkpointer_(path, options.checkpoint, metrics),
      queue_depth_(metrics.gauge("csms_writer_queue_depth", "Jobs waiting for the writer thread")),
      commits_(metrics.counter("csms_writer_commits_total", "Batches committed by the writer thread")),
      jobs_(metrics.counter("csms_writer_jobs_total", "Jobs run by the writer thread")),
      job_failures_(metrics.counter("csms_writer_job_failures_total",
                                    "Jobs reported done(false), including those submitted after stop")),
      batch_size_last_(metrics.gauge("csms_writer_batch_size_last", "Jobs in the last batch")),
      batch_size_max_(metrics.gauge("csms_writer_batch_size_max", "Most jobs in one batch so far")),
      commit_seconds_(metrics.histogram("csms_writer_commit_seconds",
                                        "Time one group commit spent in COMMIT (fsync included)", commit_buckets))
{
    options_.max_batch = std::max<std::size_t>(options_.max_batch, 1);
    options_.tick_interval = std::max(options_.tick_interval, std::chrono::milliseconds(1));
    // Prepared once: parsing "SAVEPOINT job" twice per job cost as much as a
    // small job's own statements.
    sql_ = Statements{&db_.cached("BEGIN IMMEDIATE"), &db_.cached("SAVEPOINT job"), &db_.cached("RELEASE job"),
                      &db_.cached("ROLLBACK TO job"), &db_.cached("COMMIT"),        &db_.cached("ROLLBACK")};
    sqlite3_wal_hook(db_.handle(), &Writer::on_wal_commit, this);
    queue_.reserve(options_.max_batch);
    thread_ = std::thread([this] {
        base::name_this_thread("writer");
        run();
    });
    // Read by stop() on the writer thread only from a Done, which follows a
    // submit() and so this assignment.
    writer_id_ = thread_.get_id();
}

Writer::~Writer()
{
    stop();
}

int Writer::on_wal_commit(void* self, sqlite3*, const char*, int frames)
{
    static_cast<Writer*>(self)->checkpointer_.wal_grew(frames);
    return SQLITE_OK;
}

void Writer::submit(Work work, Done done)
{
    {
        std::lock_guard lock(mutex_);
        if (!stopping_) {
            queue_.push_back(Job{std::move(work), std::move(done)});
            queue_depth_.set(static_cast<std::int64_t>(queue_.size()));
            if (queue_.size() == 1) {
                // Only the first job of a batch can find the writer asleep.
                wake_.notify_one();
            }
            return;
        }
    }
    job_failures_.inc();
    call_done(done, false);
}

void Writer::stop()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (std::this_thread::get_id() == writer_id_) {
        return;
    }
    std::lock_guard join_lock(join_mutex_);
    if (thread_.joinable()) {
        thread_.join();
    }
    checkpointer_.stop();
}

std::size_t Writer::queue_depth() const
{
    std::lock_guard lock(mutex_);
    return queue_.size();
}

void Writer::flush()
{
    std::promise<void> drained;
    submit([this](Database& db) { run_tick(db); }, [&drained](bool) { drained.set_value(); });
    drained.get_future().wait();
}

void Writer::set_tick(Work tick)
{
    std::lock_guard lock(tick_mutex_);
    tick_ = std::move(tick);
}

void Writer::run_tick(Database& db)
{
    std::lock_guard lock(tick_mutex_);
    if (tick_) {
        tick_(db);
    }
}

void Writer::run() noexcept
{
    std::vector<Job> batch;
    batch.reserve(options_.max_batch);
    auto next_tick = std::chrono::steady_clock::now() + options_.tick_interval;
    for (;;) {
        bool last = false;
        {
            std::unique_lock lock(mutex_);
            wake_.wait_until(lock, next_tick, [this] { return stopping_ || !queue_.empty(); });
            last = stopping_ && queue_.empty();
            if (queue_.size() <= options_.max_batch) {
                // One swap takes the whole queue; submitters refill the
                // (reserved) vector this thread used for the last batch.
                batch.swap(queue_);
            } else {
                auto end = queue_.begin() + static_cast<std::ptrdiff_t>(options_.max_batch);
                batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(end));
                queue_.erase(queue_.begin(), end);
            }
            queue_depth_.set(static_cast<std::int64_t>(queue_.size()));
        }
        const auto now = std::chrono::steady_clock::now();
        if (now >= next_tick || last) {
            next_tick = now + options_.tick_interval;
            bool has_tick = false;
            {
                std::lock_guard lock(tick_mutex_);
                has_tick = static_cast<bool>(tick_);
            }
            if (has_tick) {
                batch.push_back(Job{[this](Database& db) { run_tick(db); }, {}});
            }
        }
        // Between batches: the writer holds no transaction.
        if (checkpointer_.wal_over_limit()) {
            checkpointer_.truncate(db_);
        } else {
            checkpointer_.catch_up(db_);
        }
        if (!batch.empty()) {
            run_batch(batch);
            batch.clear();
        }
        if (last) {
            return; // stopping, and everything submitted before is done
        }
    }
}

void Writer::run_batch(std::vector<Job>& batch) noexcept
{
    const auto size = static_cast<std::int64_t>(batch.size());
    batch_size_last_.set(size);
    if (size > batch_size_max_.value()) {
        batch_size_max_.set(size); // only this thread writes it
    }
    jobs_.inc(batch.size());

    std::vector<char> ok(batch.size(), 0);
    auto finish = [&] {
        std::size_t failed = 0;
        for (std::size_t i = 0; i < batch.size(); ++i) {
            failed += ok[i] != 0 ? 0 : 1;
            call_done(batch[i].done, ok[i] != 0);
        }
        if (failed != 0) {
            job_failures_.inc(failed);
        }
    };

    // Nothing of the batch is known to be durable: every job fails.
    auto fail_batch = [&] {
        std::fill(ok.begin(), ok.end(), 0);
        db_.count_rollback();
        if (db_.in_transaction()) {
            try {
                sql_.rollback->execute();
            } catch (...) { // NOLINT(bugprone-empty-catch): the connection rolls back on its own
            }
        }
        finish();
    };

    try {
        sql_.begin->execute();
    } catch (const std::exception& e) {
        spdlog::error("writer: BEGIN failed, {} jobs fail: {}", batch.size(), e.what());
        finish();
        return;
    }

    for (std::size_t i = 0; i < batch.size(); ++i) {
        try {
            sql_.savepoint->execute();
            bool job_ok = true;
            try {
                if (batch[i].work) {
                    batch[i].work(db_);
                }
            } catch (const std::exception& e) {
                job_ok = false;
                spdlog::warn("writer: job failed and was rolled back: {}", e.what());
            } catch (...) {
                job_ok = false;
                spdlog::warn("writer: job failed and was rolled back");
            }
            if (!job_ok) {
                db_.count_rollback();
                sql_.rollback_to->execute();
            }
            sql_.release->execute();
            ok[i] = job_ok ? 1 : 0;
        } catch (const std::exception& e) {
            // The savepoint itself failed (I/O error, disk full, or a job
            // that ended the transaction): what this batch did so far is no
            // longer known to commit, so none of it is reported as done.
            spdlog::error("writer: batch transaction broken at job {}: {}", i, e.what());
            fail_batch();
            return;
        }
    }

    const auto started = std::chrono::steady_clock::now();
    try {
        if (!db_.in_transaction()) {
            // A job ended the transaction behind our back (COMMIT/ROLLBACK in
            // its SQL); nothing after that point ran inside the batch.
            throw SqliteError(0, "batch transaction ended by a job");
        }
        sql_.commit->execute();
    } catch (const std::exception& e) {
        spdlog::error("writer: COMMIT of {} jobs failed: {}", batch.size(), e.what());
        fail_batch();
        return;
    }
    commits_.inc();
    commit_seconds_.observe(std::chrono::steady_clock::now() - started);
    finish();
}

} // namespace csms::store
