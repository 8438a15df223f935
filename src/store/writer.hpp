#pragma once
// The single writer thread with group commit. Sessions submit work; the
// thread takes everything queued (up to max_batch), runs it in one IMMEDIATE
// transaction with a savepoint per job, commits once, and only then reports
// each job's outcome. A reply sent from done(true) is therefore durable, and
// the fsync is paid once per batch rather than once per message.
//
// Thread-safety: submit(), stop() and queue_depth() may be called from any
// thread. Work and Done run on the writer thread only.
#include "base/metrics.hpp"
#include "store/database.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace csms::store {

class Writer {
public:
    struct Options {
        std::size_t max_batch = 1024;
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
    // its done has run. Not from the writer thread.
    void flush();

    std::size_t queue_depth() const;

private:
    struct Job {
        Work work;
        Done done;
    };

    void run() noexcept;
    void run_batch(std::deque<Job>& batch) noexcept;

    Database db_;
    Options options_;

    base::Gauge& queue_depth_;
    base::Counter& commits_;
    base::Counter& jobs_;
    base::Counter& job_failures_;
    base::Gauge& batch_size_last_;
    base::Gauge& batch_size_max_;
    base::Counter& commit_microseconds_total_;
    base::Gauge& commit_microseconds_last_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> queue_;
    bool stopping_ = false;

    std::mutex join_mutex_;
    std::thread::id writer_id_;
    std::thread thread_; // last: starts once everything above exists
};

} // namespace csms::store
