#include "base/polling_thread.hpp"

#include "base/thread_name.hpp"

#include <spdlog/spdlog.h>

#include <exception>

namespace csms::base {

PollingThread::PollingThread(std::string name, std::chrono::milliseconds interval, Pass pass)
    : name_(std::move(name)), interval_(interval), pass_(std::move(pass))
{
}

PollingThread::~PollingThread()
{
    stop();
}

void PollingThread::start()
{
    thread_ = std::thread([this] {
        name_this_thread(name_);
        run();
    });
}

void PollingThread::wake()
{
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    wake_.notify_all();
}

void PollingThread::stop()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
}

bool PollingThread::stopping() const
{
    std::lock_guard lock(mutex_);
    return stopping_;
}

void PollingThread::run()
{
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        woken_ = false;
        lock.unlock();
        bool more = false;
        try {
            more = pass_();
        } catch (const std::exception& e) {
            spdlog::error("{}: {}", name_, e.what()); // the next pass tries again
        }
        lock.lock();
        if (!more) {
            wake_.wait_for(lock, interval_, [this] { return stopping_ || woken_; });
        }
    }
}

} // namespace csms::base
