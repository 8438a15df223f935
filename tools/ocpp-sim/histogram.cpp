#include "histogram.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>

namespace csms::sim {
namespace {

constexpr std::uint64_t linear_limit = 1u << Histogram::linear_bits;

bool parse_u64(std::string_view text, std::uint64_t& out)
{
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

} // namespace

std::size_t Histogram::bucket_of(std::uint64_t us)
{
    if (us < linear_limit) {
        return static_cast<std::size_t>(us);
    }
    const int msb = std::bit_width(us) - 1; // >= linear_bits
    const int shift = msb - sub_bits;
    const std::uint64_t mantissa = (us >> shift) - (1u << sub_bits); // 0 .. 127
    return linear_limit + static_cast<std::size_t>(msb - linear_bits) * (1u << sub_bits) +
           static_cast<std::size_t>(mantissa);
}

std::uint64_t Histogram::bucket_low(std::size_t index)
{
    if (index < linear_limit) {
        return index;
    }
    const std::size_t above = index - linear_limit;
    const int msb = static_cast<int>(above >> sub_bits) + linear_bits;
    const std::uint64_t mantissa = (above & ((1u << sub_bits) - 1)) + (1u << sub_bits);
    return mantissa << (msb - sub_bits);
}

std::uint64_t Histogram::bucket_width(std::size_t index)
{
    if (index < linear_limit) {
        return 1;
    }
    const int msb = static_cast<int>((index - linear_limit) >> sub_bits) + linear_bits;
    return std::uint64_t{1} << (msb - sub_bits);
}

void Histogram::record(std::int64_t us)
{
    const auto v = static_cast<std::uint64_t>(std::clamp<std::int64_t>(us, min_us, max_us));
    ++counts_[bucket_of(v)];
    ++count_;
    max_ = std::max(max_, v);
}

void Histogram::merge(const Histogram& other)
{
    for (std::size_t i = 0; i < bucket_count; ++i) {
        counts_[i] += other.counts_[i];
    }
    count_ += other.count_;
    max_ = std::max(max_, other.max_);
}

double Histogram::percentile_us(double p) const
{
    if (count_ == 0) {
        return 0;
    }
    auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
    rank = std::clamp<std::uint64_t>(rank, 1, count_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < bucket_count; ++i) {
        seen += counts_[i];
        if (seen >= rank) {
            // Exact buckets report their value; wider ones their middle.
            const double mid = static_cast<double>(bucket_low(i)) + static_cast<double>(bucket_width(i) - 1) / 2.0;
            return std::min(mid, static_cast<double>(max_));
        }
    }
    return static_cast<double>(max_);
}

std::string Histogram::serialize() const
{
    std::string out;
    for (std::size_t i = 0; i < bucket_count; ++i) {
        if (counts_[i] != 0) {
            if (!out.empty()) {
                out += ',';
            }
            out += std::to_string(i);
            out += ':';
            out += std::to_string(counts_[i]);
        }
    }
    out += ';';
    out += std::to_string(max_);
    return out;
}

bool Histogram::deserialize(std::string_view text)
{
    *this = Histogram{};
    const std::size_t semi = text.rfind(';');
    if (semi == std::string_view::npos || !parse_u64(text.substr(semi + 1), max_)) {
        return false;
    }
    std::string_view rest = text.substr(0, semi);
    while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        const std::string_view pair = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        const std::size_t colon = pair.find(':');
        std::uint64_t index = 0;
        std::uint64_t n = 0;
        if (colon == std::string_view::npos || !parse_u64(pair.substr(0, colon), index) ||
            !parse_u64(pair.substr(colon + 1), n) || index >= bucket_count) {
            return false;
        }
        counts_[index] += n;
        count_ += n;
    }
    return true;
}

} // namespace csms::sim
