#include "base/worker_pool.hpp"

#include "base/thread_name.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

namespace csms::base {

WorkerPool::WorkerPool(std::string name, std::size_t threads, std::size_t max_queued)
    : name_(std::move(name)), max_queued_(std::max<std::size_t>(max_queued, 1))
{
    const auto count = std::max<std::size_t>(threads, 1);
    threads_.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        threads_.emplace_back([this] {
            name_this_thread(name_);
            run();
        });
    }
}

WorkerPool::~WorkerPool()
{
    stop();
}

bool WorkerPool::try_post(Job job)
{
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || queue_.size() >= max_queued_) {
            return false;
        }
        queue_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
}

void WorkerPool::stop()
{
    std::deque<Job> dropped;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        dropped.swap(queue_);
    }
    wake_.notify_all();
    // Destroyed here, unrun, outside the lock: a job's captures may take
    // locks of their own when they go.
    dropped.clear();
    std::call_once(joined_, [this] {
        for (auto& thread : threads_) {
            thread.join();
        }
    });
}

std::size_t WorkerPool::queued() const
{
    std::lock_guard lock(mutex_);
    return queue_.size();
}

void WorkerPool::run()
{
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) {
                return; // stopping
            }
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        try {
            job();
        } catch (const std::exception& e) {
            spdlog::error("{}: a job failed: {}", name_, e.what());
        } catch (...) {
            spdlog::error("{}: a job failed", name_);
        }
    }
}

} // namespace csms::base
