#pragma once
// A few threads for CPU-heavy work that must not run on an I/O thread (the
// first PBKDF2 check of a charger's AuthorizationKey, decision 0018), with a
// bounded queue.
//
// try_post() never blocks: it queues the job, or refuses at once when the
// queue is full or the pool has stopped, and the caller decides what a
// refusal means (the authorizer answers 503 "retry later"). Jobs run in
// arrival order; a job must not throw (one that does is logged and dropped).
//
// stop() lets the jobs already running finish, destroys the queued ones
// without running them (so whatever they hold, e.g. a callback into an
// io_context, is released before the owner goes on to destroy that), and
// joins the threads. The destructor calls it. Thread-safe throughout.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace csms::base {

class WorkerPool {
public:
    using Job = std::function<void()>;

    // name: for logs. threads < 1 is taken as 1; max_queued < 1 as 1.
    WorkerPool(std::string name, std::size_t threads, std::size_t max_queued);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // Queues job; false (job destroyed unrun) when max_queued jobs wait
    // already or the pool is stopping.
    bool try_post(Job job);

    void stop();

    std::size_t queued() const;
    std::size_t max_queued() const { return max_queued_; }
    std::size_t threads() const { return threads_.size(); }

private:
    void run();

    const std::string name_;
    const std::size_t max_queued_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> queue_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
    std::once_flag joined_;
};

} // namespace csms::base
