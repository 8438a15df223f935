#pragma once
// Time is injected: rules, billing, timeouts and database timestamps take a
// Clock so tests can drive hours of charger life in milliseconds.
#include <atomic>
#include <chrono>

namespace csms::base {

using SysTime = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;
using SteadyTime = std::chrono::steady_clock::time_point;

class Clock {
public:
    virtual ~Clock() = default;
    virtual SysTime now_utc() const = 0;
    virtual SteadyTime now_steady() const = 0;
};

class SystemClock final : public Clock {
public:
    SysTime now_utc() const override
    {
        return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    }
    SteadyTime now_steady() const override { return std::chrono::steady_clock::now(); }
};

// Thread-safe manual clock for tests: both timelines move only on advance().
class ManualClock final : public Clock {
public:
    explicit ManualClock(SysTime start = SysTime{std::chrono::milliseconds{1'767'225'600'000}}) // 2026-01-01
        : utc_ms_(start.time_since_epoch().count())
    {
    }
    SysTime now_utc() const override { return SysTime{std::chrono::milliseconds{utc_ms_.load()}}; }
    SteadyTime now_steady() const override { return SteadyTime{std::chrono::milliseconds{steady_ms_.load()}}; }
    void advance(std::chrono::milliseconds d)
    {
        utc_ms_ += d.count();
        steady_ms_ += d.count();
    }

private:
    std::atomic<long long> utc_ms_;
    std::atomic<long long> steady_ms_{0};
};

} // namespace csms::base
