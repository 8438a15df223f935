#pragma once
// Per-charger counters and the run summary. Each charger writes only its own
// ChargerStats, from its strand; latencies go into the histograms of the
// thread running the handler (thread_recorders()), so no counter needs a
// lock or an atomic. RunTotals adds chargers, threads and, with
// --processes, whole child processes up; summarize() turns the totals into
// the figures printed.
#include "histogram.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace csms::sim {

using SteadyTimePoint = std::chrono::steady_clock::time_point;

// The periodic calls of --mode load, each with a latency histogram of its
// own: one kind's slow commits must not hide in another's fast replies.
enum class CallKind { meter_values, heartbeat, status_notification };
inline constexpr std::size_t call_kind_count = 3;
using KindHistograms = std::array<Histogram, call_kind_count>;
std::string_view call_kind_action(CallKind kind); // "MeterValues", ...

struct ChargerStats {
    std::string charge_point_id;
    bool connected = false; // a WebSocket handshake succeeded (at least once)
    bool completed = false; // whole script ran with every reply as expected
    bool converged = false; // storm: BootNotification Accepted, StatusNotification acknowledged
    bool dropped = false;   // load with --durability-log: the server went away (not a failure)
    std::uint64_t calls = 0;
    std::uint64_t results = 0;
    std::uint64_t unexpected = 0;                // replies with a wrong status, malformed or stray frames
    std::map<std::string, std::uint64_t> errors; // CALLERROR code, or "Timeout", -> count
    std::string failure;                         // the first reason this charger failed
    std::uint64_t connections = 0;               // WebSocket opens, reconnects included
    std::uint64_t connect_failures = 0;          // TCP, TLS or upgrade failed
    std::uint64_t retries = 0;                   // storm: attempts after the first
    std::uint64_t tls_resumed = 0;               // TLS handshakes that resumed a session
    std::uint64_t load_calls = 0;                // load: periodic calls answered
    std::uint64_t load_skipped = 0;              // load: slots due before the charger was up
    // Set when connected: first TCP connect started, last WebSocket open.
    SteadyTimePoint connect_started{};
    SteadyTimePoint opened{};
    SteadyTimePoint converged_at{};    // storm
    SteadyTimePoint last_load_reply{}; // load
};

// The histograms of one I/O thread. Handlers record into the ones of the
// thread they run on; each thread hands its own over after ioc.run().
struct Recorders {
    Histogram latency;      // load: periodic calls only; otherwise every reply
    Histogram connect;      // TCP connect start to WebSocket open
    KindHistograms by_kind; // load: the periodic calls again, by CallKind
};
Recorders& thread_recorders();

// Mergeable across chargers and processes; times are steady_clock
// nanoseconds since its epoch, which all processes of one boot share.
struct RunTotals {
    static constexpr std::size_t max_failures_kept = 20;

    std::uint64_t chargers = 0, connected = 0, completed = 0, converged = 0, dropped = 0;
    std::uint64_t calls = 0, results = 0, errors = 0, unexpected = 0;
    std::uint64_t connections = 0, connect_failures = 0, retries = 0, tls_resumed = 0, load_calls = 0;
    std::uint64_t load_skipped = 0;
    std::map<std::string, std::uint64_t> errors_by_code;
    Histogram latency;
    Histogram connect;
    KindHistograms latency_by_kind;
    std::int64_t first_connect_ns = INT64_MAX;
    std::int64_t last_open_ns = INT64_MIN;
    std::int64_t last_converged_ns = INT64_MIN;
    std::int64_t last_load_reply_ns = INT64_MIN;
    std::vector<std::pair<std::string, std::string>> failures; // charger id, reason (the first few)
    std::uint64_t failure_count = 0;

    void add(const ChargerStats& charger);
    void add(const Recorders& recorders);
    void merge(const RunTotals& other);
};

// One JSON line for the pipe from a child to the parent.
std::string serialize_totals(const RunTotals& totals);
std::optional<RunTotals> deserialize_totals(std::string_view text);

std::int64_t steady_ns(SteadyTimePoint t);

// What the server (--server-pid) used; see main.cpp for the phases.
struct ServerUsage {
    double cpu_s = 0;
    std::uint64_t peak_rss_kb = 0;
    std::uint64_t rss_kb = 0;
    double cpu_ms_per_1000_calls = 0; // the same figure as µs per call
    double cpu_ms_per_1000_handshakes = 0;
};

struct RunContext {
    std::string mode = "script";
    bool closed_loop = false;
    std::chrono::steady_clock::duration elapsed{};
    SteadyTimePoint started{};
    // load: the measured window [load_start, load_end).
    SteadyTimePoint load_start{};
    SteadyTimePoint load_end{};
};

// One CallKind's latency in a load run.
struct KindLatency {
    std::string action;
    std::uint64_t count = 0;
    double p50_ms = 0, p99_ms = 0, max_ms = 0;
};

struct Summary {
    std::string mode = "script";
    bool closed_loop = false;
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
    // load: periodic calls in the window only (from their due time); otherwise every reply.
    double p50_ms = 0, p95_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0;
    // Connected chargers only: TCP connect start to WebSocket open.
    double connect_p50_ms = 0, connect_p95_ms = 0, connect_p99_ms = 0, connect_max_ms = 0;
    // connections / (last WebSocket open - first connect start).
    double handshakes_per_s = 0;
    std::uint64_t connections = 0;
    std::uint64_t connect_failures = 0;
    std::uint64_t tls_resumed = 0;
    std::uint64_t dropped = 0;
    // load
    std::uint64_t load_calls = 0;
    std::uint64_t load_skipped = 0;
    double load_calls_per_s = 0;
    double load_elapsed_s = 0;
    std::vector<KindLatency> latency_by_kind; // the kinds sent, in CallKind order
    // storm
    std::uint64_t converged = 0;
    double converged_s = 0;
    std::uint64_t retries = 0;
    std::optional<ServerUsage> server;
    std::vector<std::pair<std::string, std::string>> failures; // charger id, reason (the first few)
    std::uint64_t failure_count = 0;
};

Summary summarize(const RunTotals& totals, const RunContext& context);

// The run is a success iff every charger connected and completed, and no
// reply was an error or unexpected.
bool succeeded(const Summary& summary);

// Several lines for people; max_failures caps the per-charger failure lines.
std::string format_text(const Summary& summary, std::size_t max_failures = 10);
// One JSON line, no trailing newline.
std::string format_json(const Summary& summary);

} // namespace csms::sim
