#include "store/writer.hpp"

#include "store/migrations.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <future>
#include <iterator>
#include <vector>

namespace csms::store {
namespace {

Database open_migrated(const std::string& path)
{
    Database db(path);
    migrate(db);
    return db;
}

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
    : db_(open_migrated(path)), options_(options),
      queue_depth_(metrics.gauge("csms_writer_queue_depth", "Jobs waiting for the writer thread")),
      commits_(metrics.counter("csms_writer_commits_total", "Batches committed by the writer thread")),
      jobs_(metrics.counter("csms_writer_jobs_total", "Jobs run by the writer thread")),
      job_failures_(metrics.counter("csms_writer_job_failures_total",
                                    "Jobs reported done(false), including those submitted after stop")),
      batch_size_last_(metrics.gauge("csms_writer_batch_size_last", "Jobs in the last batch")),
      batch_size_max_(metrics.gauge("csms_writer_batch_size_max", "Most jobs in one batch so far")),
      commit_microseconds_total_(
          metrics.counter("csms_writer_commit_microseconds_total", "Time spent in COMMIT (fsync included)")),
      commit_microseconds_last_(metrics.gauge("csms_writer_commit_microseconds_last", "Duration of the last COMMIT"))
{
    options_.max_batch = std::max<std::size_t>(options_.max_batch, 1);
    thread_ = std::thread([this] { run(); });
    // Read by stop() on the writer thread only from a Done, which follows a
    // submit() and so this assignment.
    writer_id_ = thread_.get_id();
}

Writer::~Writer()
{
    stop();
}

void Writer::submit(Work work, Done done)
{
    {
        std::lock_guard lock(mutex_);
        if (!stopping_) {
            queue_.push_back(Job{std::move(work), std::move(done)});
            queue_depth_.set(static_cast<std::int64_t>(queue_.size()));
            wake_.notify_one();
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
}

std::size_t Writer::queue_depth() const
{
    std::lock_guard lock(mutex_);
    return queue_.size();
}

void Writer::flush()
{
    std::promise<void> drained;
    submit([](Database&) {}, [&drained](bool) { drained.set_value(); });
    drained.get_future().wait();
}

void Writer::run() noexcept
{
    for (;;) {
        std::deque<Job> batch;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) {
                return; // stopping, and everything submitted before is done
            }
            if (queue_.size() <= options_.max_batch) {
                batch.swap(queue_);
            } else {
                auto end = queue_.begin() + static_cast<std::ptrdiff_t>(options_.max_batch);
                batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(end));
                queue_.erase(queue_.begin(), end);
            }
            queue_depth_.set(static_cast<std::int64_t>(queue_.size()));
        }
        run_batch(batch);
    }
}

void Writer::run_batch(std::deque<Job>& batch) noexcept
{
    const auto size = static_cast<std::int64_t>(batch.size());
    batch_size_last_.set(size);
    if (size > batch_size_max_.value()) {
        batch_size_max_.set(size); // only this thread writes it
    }
    jobs_.inc(batch.size());

    std::vector<char> ok(batch.size(), 0);
    auto finish = [&] {
        for (std::size_t i = 0; i < batch.size(); ++i) {
            if (!ok[i]) {
                job_failures_.inc();
            }
            call_done(batch[i].done, ok[i] != 0);
        }
    };

    // Nothing of the batch is known to be durable: every job fails.
    auto fail_batch = [&] {
        std::fill(ok.begin(), ok.end(), 0);
        if (db_.in_transaction()) {
            try {
                db_.exec("ROLLBACK");
            } catch (...) { // NOLINT(bugprone-empty-catch): the connection rolls back on its own
            }
        }
        finish();
    };

    try {
        db_.exec("BEGIN IMMEDIATE");
    } catch (const std::exception& e) {
        spdlog::error("writer: BEGIN failed, {} jobs fail: {}", batch.size(), e.what());
        finish();
        return;
    }

    for (std::size_t i = 0; i < batch.size(); ++i) {
        try {
            db_.exec("SAVEPOINT job");
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
                db_.exec("ROLLBACK TO job");
            }
            db_.exec("RELEASE job");
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
        db_.exec("COMMIT");
    } catch (const std::exception& e) {
        spdlog::error("writer: COMMIT of {} jobs failed: {}", batch.size(), e.what());
        fail_batch();
        return;
    }
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
    commits_.inc();
    commit_microseconds_total_.inc(static_cast<std::uint64_t>(micros));
    commit_microseconds_last_.set(micros);
    finish();
}

} // namespace csms::store
