#pragma once
// Per-charger counters and the run summary. Each charger writes only its own
// ChargerStats, from its strand; summarize() reads them all after the worker
// threads have been joined, so no counter needs a lock or an atomic.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace csms::sim {

struct ChargerStats {
    std::string charge_point_id;
    bool connected = false; // WebSocket handshake succeeded
    bool completed = false; // whole script ran with every reply as expected
    std::uint64_t calls = 0;
    std::uint64_t results = 0;
    std::uint64_t unexpected = 0;                // replies with a wrong status, malformed or stray frames
    std::map<std::string, std::uint64_t> errors; // CALLERROR code, or "Timeout", -> count
    std::vector<std::int64_t> latencies_us;      // one per reply received
    std::string failure;                         // the first reason this charger failed
    // Set when connected: TCP connect started, WebSocket open (after TLS, if any).
    std::chrono::steady_clock::time_point connect_started{};
    std::chrono::steady_clock::time_point opened{};
};

struct Summary {
    std::uint64_t chargers = 0;
    std::uint64_t connected = 0;
    std::uint64_t completed = 0;
    std::uint64_t calls = 0;
    std::uint64_t results = 0;
    std::uint64_t errors = 0;
    std::map<std::string, std::uint64_t> errors_by_code;
    std::uint64_t unexpected = 0;
    double elapsed_s = 0;
    double calls_per_s = 0;
    double p50_ms = 0, p95_ms = 0, p99_ms = 0, max_ms = 0;
    // Connected chargers only: TCP connect start to WebSocket open.
    double connect_p50_ms = 0, connect_p95_ms = 0, connect_p99_ms = 0, connect_max_ms = 0;
    // connected / (last WebSocket open - first connect start).
    double handshakes_per_s = 0;
    std::vector<std::pair<std::string, std::string>> failures; // charger id, reason
};

Summary summarize(const std::vector<ChargerStats>& chargers, std::chrono::steady_clock::duration elapsed);

// The run is a success iff every charger connected and completed, and no
// reply was an error or unexpected.
bool succeeded(const Summary& summary);

// Several lines for people; max_failures caps the per-charger failure lines.
std::string format_text(const Summary& summary, std::size_t max_failures = 10);
// One JSON line, no trailing newline.
std::string format_json(const Summary& summary);

} // namespace csms::sim
