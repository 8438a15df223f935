#pragma once
// The single writer thread with group commit. Sessions submit work; the
// thread takes everything queued (up to max_batch), runs it in one IMMEDIATE
// transaction with a savepoint per job, commits once, and only then reports
// each job's outcome. A reply sent from done(true) is therefore durable, and
// the fsync is paid once per batch rather than once per message.
//
// The writer's connection never checkpoints inside a COMMIT: a Checkpointer
// thread with its own connection does it in the background. BEGIN,
// SAVEPOINT, RELEASE, ROLLBACK TO and COMMIT are prepared once, and the
// thread takes the whole queue with one swap.
//
// Thread-safety: submit(), stop(), flush(), set_tick() and queue_depth() may
// be called from any thread. Work, Done and the tick run on the writer thread
// only.
#include "base/metrics.hpp"
#include "store/checkpointer.hpp"
#include "store/database.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace csms::store {

class Writer {
public:
    struct Options {
        std::size_t max_batch = 1024;
        // How often the tick (set_tick) runs as a job of its own.
        std::chrono::milliseconds tick_interval{1000};
        Checkpointer::Options checkpoint{};
    };
    // Runs on the writer thread inside the batch transaction. Throwing rolls
    // back this job alone (its savepoint); the rest of the batch commits.
    using Work = std::function<void(Database&)>;
    // Runs on the writer thread after COMMIT (ok = true) or after failure
    // (ok = false). Must be cheap, e.g. post the reply to a session's strand;
    // it delays every later batch. Exceptions from it are swallowed.
    using Done = std::function<void(bool ok)>;

    // Opens its own Database on path and runs migrate(); throws if either fails.
    Writer(const std::string& path, Options options, base::Metrics& metrics);
    ~Writer(); // calls stop(); must not run on the writer thread (from a Done)
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    // Never blocks on I/O. After stop() it calls done(false) immediately, on
    // the calling thread.
    void submit(Work work, Done done);

    // Idempotent: drains everything submitted before, commits, calls every
    // done and joins the thread. Called from a Done (the writer thread) it
    // only stops accepting work; the destructor joins.
    void stop();

    // Blocks until every job submitted before has committed (or failed) and
    // its done has run; the tick runs once more in that last batch, so work
    // it coalesces is committed too. Not from the writer thread.
    void flush();

    // Work that coalesces in memory and is written once per tick_interval,
    // on flush() and one last time at stop() (e.g. chargers' last-seen
    // times). It runs in its own savepoint like any job. Replacing it (or
    // clearing it with {}) waits for a running tick to finish, so an owner
    // can clear it in its destructor.
    void set_tick(Work tick);

    std::size_t queue_depth() const;

private:
    struct Job {
        Work work;
        Done done;
    };

    // The transaction statements, prepared once.
    struct Statements {
        Statement* begin;
        Statement* savepoint;
        Statement* release;
        Statement* rollback_to;
        Statement* commit;
        Statement* rollback;
    };

    void run() noexcept;
    void run_batch(std::vector<Job>& batch) noexcept;
    void run_tick(Database& db);
    static int on_wal_commit(void* self, sqlite3* db, const char* name, int frames);

    Database db_;
    Options options_;
    Statements sql_{};
    Checkpointer checkpointer_;

    base::Gauge& queue_depth_;
    base::Counter& commits_;
    base::Counter& jobs_;
    base::Counter& job_failures_;
    base::Gauge& batch_size_last_;
    base::Gauge& batch_size_max_;
    base::Histogram& commit_seconds_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<Job> queue_;
    bool stopping_ = false;

    std::mutex tick_mutex_; // held while the tick runs
    Work tick_;

    std::mutex join_mutex_;
    std::thread::id writer_id_;
    std::thread thread_; // last: starts once everything above exists
};

} // namespace csms::store
