#pragma once
// Process-wide counters, gauges and duration histograms rendered in
// Prometheus text format. Registration takes a lock; the returned references
// are stable for the registry's lifetime, so hot paths look a metric up once
// and keep it. Updating a metric takes no lock: relaxed atomics only.
#include <atomic>
#include <chrono>
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

// Durations, exported in seconds (the Prometheus base unit) with fixed
// buckets. observe() is two relaxed atomic adds and a scan of a dozen
// integers: cheap enough for every message. The count is the sum of the
// buckets, so a scrape never shows _count and the +Inf bucket apart.
class Histogram {
public:
    // Upper bounds in seconds, ascending; +Inf is implied.
    explicit Histogram(const std::vector<double>& bounds_seconds);

    void observe(std::chrono::nanoseconds d)
    {
        const std::int64_t ns = d.count() < 0 ? 0 : d.count();
        std::size_t i = 0;
        while (i < bounds_ns_.size() && ns > bounds_ns_[i]) {
            ++i;
        }
        buckets_[i].fetch_add(1, std::memory_order_relaxed);
        sum_ns_.fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
    }

    struct Snapshot {
        std::vector<std::uint64_t> cumulative; // per bound, then +Inf
        double sum_seconds = 0;
        std::uint64_t count = 0;
    };
    Snapshot snapshot() const;
    const std::vector<double>& bounds() const { return bounds_; }

private:
    std::vector<double> bounds_;
    std::vector<std::int64_t> bounds_ns_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_; // not cumulative; the last is +Inf
    std::atomic<std::uint64_t> sum_ns_{0};
};

class Metrics {
public:
    Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
    Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
    // Every series of one name has the same buckets (std::logic_error otherwise).
    Histogram& histogram(const std::string& name, const std::string& help, const std::vector<double>& bounds_seconds,
                         const Labels& labels = {});
    // Drops one labelled series whose subject is gone (a partner link closed
    // by a reload), so it is not exported at its last value forever. The
    // reference gauge() gave for it dangles from here on.
    void remove_gauge(const std::string& name, const Labels& labels);
    // Likewise for a counter (a rule removed by a reload).
    void remove_counter(const std::string& name, const Labels& labels);
    std::string render_prometheus() const;

private:
    enum class Kind { counter, gauge, histogram };
    struct Family {
        Kind kind;
        std::string help;
        std::map<std::string, std::unique_ptr<Counter>> counters; // key: rendered label set
        std::map<std::string, std::unique_ptr<Gauge>> gauges;
        std::map<std::string, std::unique_ptr<Histogram>> histograms;
    };
    Family& family(const std::string& name, const std::string& help, Kind kind);

    mutable std::mutex mutex_;
    std::map<std::string, Family> families_;
};

// A number as Prometheus reads it: the shortest text that reads back as the
// same double; "+Inf", "-Inf" and "NaN" spelt its way.
std::string format_sample_value(double value);

} // namespace csms::base
