#pragma once
// A mergeable log-linear latency histogram (HdrHistogram's layout, reduced):
// exact below 256 µs, then 128 buckets per power of two, so any recorded
// value is reported within 1/128 (0.8%) of itself. Values are microseconds,
// clamped to 1 µs .. 600 s. Fixed size (about 24 KB), no allocation per
// record, so the load generator keeps one per thread, and children send
// theirs to the parent, which adds them up.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace csms::sim {

class Histogram {
public:
    static constexpr std::uint64_t min_us = 1;
    static constexpr std::uint64_t max_us = 600'000'000;
    static constexpr int linear_bits = 8; // values below 2^8 are exact
    static constexpr int sub_bits = 7;    // 2^7 buckets per octave above that
    static constexpr std::size_t bucket_count = (1u << linear_bits) + (30 - linear_bits + 1) * (1u << sub_bits);

    void record(std::int64_t us);
    void merge(const Histogram& other);

    std::uint64_t count() const { return count_; }
    std::uint64_t max() const { return max_; } // exact, µs
    // Nearest-rank percentile (0 < p <= 100) in µs: the middle of the bucket
    // holding it, never above max(). 0 when empty.
    double percentile_us(double p) const;

    // "index:count,index:count,..." over the non-empty buckets, then ";max".
    std::string serialize() const;
    // false on malformed text (the histogram is then unspecified).
    bool deserialize(std::string_view text);

    static std::size_t bucket_of(std::uint64_t us);
    // The smallest value and the width of a bucket.
    static std::uint64_t bucket_low(std::size_t index);
    static std::uint64_t bucket_width(std::size_t index);

private:
    std::array<std::uint64_t, bucket_count> counts_{};
    std::uint64_t count_ = 0;
    std::uint64_t max_ = 0;
};

} // namespace csms::sim
