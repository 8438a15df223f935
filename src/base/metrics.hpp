#pragma once
// Process-wide counters and gauges rendered in Prometheus text format.
// Registration takes a lock; the returned references are stable for the
// registry's lifetime, so hot paths look a metric up once and keep it.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace csms::base {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
public:
    void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

class Gauge {
public:
    void set(std::int64_t v) { value_.store(v, std::memory_order_relaxed); }
    void add(std::int64_t d) { value_.fetch_add(d, std::memory_order_relaxed); }
    std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::int64_t> value_{0};
};

class Metrics {
public:
    Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
    Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
    // Drops one labelled series whose subject is gone (a partner link closed
    // by a reload), so it is not exported at its last value forever. The
    // reference gauge() gave for it dangles from here on.
    void remove_gauge(const std::string& name, const Labels& labels);
    std::string render_prometheus() const;

private:
    enum class Kind { counter, gauge };
    struct Family {
        Kind kind;
        std::string help;
        std::map<std::string, std::unique_ptr<Counter>> counters; // key: rendered label set
        std::map<std::string, std::unique_ptr<Gauge>> gauges;
    };
    Family& family(const std::string& name, const std::string& help, Kind kind);

    mutable std::mutex mutex_;
    std::map<std::string, Family> families_;
};

} // namespace csms::base
