#include "retry.hpp"

#include <algorithm>

namespace csms::sim {

std::optional<RetryPolicy> parse_retry_policy(std::string_view text)
{
    if (text == "fixed") {
        return RetryPolicy::fixed;
    }
    if (text == "backoff") {
        return RetryPolicy::backoff;
    }
    if (text == "mix") {
        return RetryPolicy::mix;
    }
    return std::nullopt;
}

RetryKind retry_kind(RetryPolicy policy, int charger_number)
{
    switch (policy) {
    case RetryPolicy::fixed:
        return RetryKind::fixed;
    case RetryPolicy::backoff:
        return RetryKind::backoff;
    case RetryPolicy::mix:
        break;
    }
    return charger_number % 2 == 1 ? RetryKind::fixed : RetryKind::backoff;
}

std::chrono::milliseconds retry_ceiling(RetryKind kind, int retry)
{
    if (kind == RetryKind::fixed) {
        return fixed_retry_delay;
    }
    // 2^6 s already exceeds the cap; stop doubling before the shift overflows.
    const int doublings = std::clamp(retry - 1, 0, 6);
    return std::min(backoff_cap, backoff_base * (1 << doublings));
}

std::chrono::milliseconds retry_delay(RetryKind kind, int retry, std::mt19937_64& rng)
{
    const auto ceiling = retry_ceiling(kind, retry);
    if (kind == RetryKind::fixed) {
        return ceiling;
    }
    std::uniform_int_distribution<std::int64_t> jitter(0, ceiling.count());
    return std::chrono::milliseconds(jitter(rng));
}

} // namespace csms::sim
