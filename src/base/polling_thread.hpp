#pragma once
// A thread that runs one pass of work, then waits `interval` (or until
// woken) before the next; a pass that reports more work waiting runs again at
// once, so a burst is caught up without waiting. A pass that throws is logged
// under `name` and tried again at the next interval. The followers of the
// store (rule engine, statistics, notifications) each run on one.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace csms::base {

class PollingThread {
public:
    using Pass = std::function<bool()>; // true: it stopped with more waiting

    PollingThread(std::string name, std::chrono::milliseconds interval, Pass pass);
    ~PollingThread(); // stop()
    PollingThread(const PollingThread&) = delete;
    PollingThread& operator=(const PollingThread&) = delete;

    void start();
    // The next pass runs now rather than at the end of the wait.
    void wake();
    // Idempotent; waits for the pass in progress.
    void stop();
    // For a long pass to end early once stop() was called.
    bool stopping() const;

private:
    void run();

    std::string name_;
    std::chrono::milliseconds interval_;
    Pass pass_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool woken_ = false;
    std::thread thread_;
};

} // namespace csms::base
