#pragma once
// How a charger in the reconnect storm (--mode storm) waits before its next
// attempt. Cheap chargers retry on a fixed period, all in step; better ones
// back off exponentially with full jitter (AWS architecture blog, "Exponential
// Backoff And Jitter"), which spreads the herd out.
#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace csms::sim {

enum class RetryPolicy { fixed, backoff, mix };
enum class RetryKind { fixed, backoff }; // what one charger does

std::optional<RetryPolicy> parse_retry_policy(std::string_view text);

// mix: odd-numbered chargers fixed, even ones back off.
RetryKind retry_kind(RetryPolicy policy, int charger_number);

inline constexpr std::chrono::milliseconds fixed_retry_delay{10'000};
inline constexpr std::chrono::milliseconds backoff_base{1'000};
inline constexpr std::chrono::milliseconds backoff_cap{60'000};

// The upper bound of the wait before retry number `retry` (1 = first retry):
// fixed: always 10 s; backoff: min(60 s, 1 s * 2^(retry-1)).
std::chrono::milliseconds retry_ceiling(RetryKind kind, int retry);

// The wait itself: fixed waits the ceiling; backoff draws uniformly from
// [0, ceiling] (full jitter).
std::chrono::milliseconds retry_delay(RetryKind kind, int retry, std::mt19937_64& rng);

} // namespace csms::sim
