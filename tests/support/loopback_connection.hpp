#pragma once
// A net::Connection without a socket, for endpoint and handler tests: frames
// the protocol layer sends are collected, posted work runs on the thread that
// calls drain() (the "strand"), timers fire when the test says so.
#include "net/connection.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace csms::test {

class LoopbackConnection final : public net::Connection {
public:
    void send_text(std::string text) override
    {
        std::lock_guard lock(mutex_);
        sent_.push_back(std::move(text));
        changed_.notify_all();
    }
    void close(std::uint16_t code, std::string reason) override
    {
        std::lock_guard lock(mutex_);
        close_code_ = code;
        close_reason_ = std::move(reason);
        changed_.notify_all();
    }
    void abort() override
    {
        std::lock_guard lock(mutex_);
        aborted_ = true;
        changed_.notify_all();
    }
    void post(std::function<void()> fn) override
    {
        std::lock_guard lock(mutex_);
        posted_.push_back(std::move(fn));
        changed_.notify_all();
    }
    void run_after(std::chrono::milliseconds delay, std::function<void()> fn) override
    {
        std::lock_guard lock(mutex_);
        timers_.push_back({delay, std::move(fn)});
    }
    void resume_reading() override
    {
        std::lock_guard lock(mutex_);
        ++resumes_;
    }
    const std::string& remote_address() const override { return address_; }

    // Runs posted work on the calling thread until sent() has `count` frames
    // or the deadline passes (work may arrive from the writer thread).
    std::vector<std::string> wait_for_frames(std::size_t count,
                                             std::chrono::milliseconds limit = std::chrono::seconds(10))
    {
        auto deadline = std::chrono::steady_clock::now() + limit;
        for (;;) {
            std::unique_lock lock(mutex_);
            while (!posted_.empty()) {
                auto fn = std::move(posted_.front());
                posted_.pop_front();
                lock.unlock();
                fn();
                lock.lock();
            }
            if (sent_.size() >= count) {
                return sent_;
            }
            if (changed_.wait_until(lock, deadline) == std::cv_status::timeout && posted_.empty()) {
                return sent_;
            }
        }
    }
    // Runs whatever is posted now, without waiting.
    void drain() { wait_for_frames(0, std::chrono::milliseconds(0)); }

    std::vector<std::string> sent() const
    {
        std::lock_guard lock(mutex_);
        return sent_;
    }
    std::optional<std::uint16_t> close_code() const
    {
        std::lock_guard lock(mutex_);
        return close_code_;
    }
    int resumes() const
    {
        std::lock_guard lock(mutex_);
        return resumes_;
    }
    // Fires every timer registered so far, as if their delay had passed.
    void fire_timers()
    {
        std::vector<Timer> due;
        {
            std::lock_guard lock(mutex_);
            due.swap(timers_);
        }
        for (auto& t : due) {
            t.fn();
        }
    }
    std::size_t timer_count() const
    {
        std::lock_guard lock(mutex_);
        return timers_.size();
    }

private:
    struct Timer {
        std::chrono::milliseconds delay;
        std::function<void()> fn;
    };
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> sent_;
    std::deque<std::function<void()>> posted_;
    std::vector<Timer> timers_;
    std::optional<std::uint16_t> close_code_;
    std::string close_reason_;
    int resumes_ = 0;
    bool aborted_ = false;
    std::string address_ = "loopback";
};

} // namespace csms::test
