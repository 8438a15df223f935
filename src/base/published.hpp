#pragma once
// A value that many threads read and that is now and then replaced as a
// whole (a configuration file reloaded by an operator). Readers take one
// atomic load: no lock and no reference count on their path. Every version
// stays alive until this object is destroyed, so a reference taken from
// current() never dangles; that costs one small object per reload, which
// happens by hand a handful of times in the life of a process.
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace csms::base {

template <class T> class Published {
public:
    explicit Published(std::shared_ptr<const T> first) { replace(std::move(first)); }
    Published(const Published&) = delete;
    Published& operator=(const Published&) = delete;

    // Any thread.
    const T& current() const { return *current_.load(std::memory_order_acquire); }

    // Any thread; readers see the new version from their next current().
    void replace(std::shared_ptr<const T> next)
    {
        std::lock_guard lock(mutex_);
        current_.store(next.get(), std::memory_order_release);
        versions_.push_back(std::move(next));
    }

private:
    std::atomic<const T*> current_{nullptr};
    std::mutex mutex_;
    std::vector<std::shared_ptr<const T>> versions_;
};

} // namespace csms::base
