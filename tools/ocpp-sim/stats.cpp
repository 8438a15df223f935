#include "stats.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace csms::sim {
namespace {

// Nearest-rank percentile of sorted samples, in milliseconds.
double percentile_ms(const std::vector<std::int64_t>& sorted_us, double p)
{
    if (sorted_us.empty()) {
        return 0;
    }
    auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted_us.size())));
    rank = std::clamp<std::size_t>(rank, 1, sorted_us.size());
    return static_cast<double>(sorted_us[rank - 1]) / 1000.0;
}

double round3(double x)
{
    return std::round(x * 1000.0) / 1000.0;
}

std::string fmt(const char* format, double value)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, format, value);
    return buf;
}

} // namespace

Summary summarize(const std::vector<ChargerStats>& chargers, std::chrono::steady_clock::duration elapsed)
{
    using Clock = std::chrono::steady_clock;
    Summary s;
    std::vector<std::int64_t> latencies;
    std::vector<std::int64_t> connects;
    Clock::time_point first_start = Clock::time_point::max();
    Clock::time_point last_open = Clock::time_point::min();
    for (const ChargerStats& c : chargers) {
        ++s.chargers;
        s.connected += c.connected ? 1 : 0;
        s.completed += c.completed ? 1 : 0;
        s.calls += c.calls;
        s.results += c.results;
        s.unexpected += c.unexpected;
        for (const auto& [code, n] : c.errors) {
            s.errors += n;
            s.errors_by_code[code] += n;
        }
        latencies.insert(latencies.end(), c.latencies_us.begin(), c.latencies_us.end());
        if (c.connected) {
            connects.push_back(
                std::chrono::duration_cast<std::chrono::microseconds>(c.opened - c.connect_started).count());
            first_start = std::min(first_start, c.connect_started);
            last_open = std::max(last_open, c.opened);
        }
        if (!c.completed) {
            s.failures.emplace_back(c.charge_point_id, c.failure.empty() ? "did not finish" : c.failure);
        }
    }
    std::sort(latencies.begin(), latencies.end());
    s.elapsed_s = std::chrono::duration<double>(elapsed).count();
    s.calls_per_s = s.elapsed_s > 0 ? static_cast<double>(s.calls) / s.elapsed_s : 0;
    s.p50_ms = percentile_ms(latencies, 50);
    s.p95_ms = percentile_ms(latencies, 95);
    s.p99_ms = percentile_ms(latencies, 99);
    s.max_ms = latencies.empty() ? 0 : static_cast<double>(latencies.back()) / 1000.0;
    std::sort(connects.begin(), connects.end());
    s.connect_p50_ms = percentile_ms(connects, 50);
    s.connect_p95_ms = percentile_ms(connects, 95);
    s.connect_p99_ms = percentile_ms(connects, 99);
    s.connect_max_ms = connects.empty() ? 0 : static_cast<double>(connects.back()) / 1000.0;
    if (!connects.empty()) {
        const double span_s = std::chrono::duration<double>(last_open - first_start).count();
        s.handshakes_per_s = span_s > 0 ? static_cast<double>(connects.size()) / span_s : 0;
    }
    return s;
}

bool succeeded(const Summary& s)
{
    return s.chargers > 0 && s.connected == s.chargers && s.completed == s.chargers && s.errors == 0 &&
           s.unexpected == 0;
}

std::string format_text(const Summary& s, std::size_t max_failures)
{
    std::string out;
    out += "chargers: " + std::to_string(s.chargers) + " attempted, " + std::to_string(s.connected) + " connected, " +
           std::to_string(s.completed) + " completed\n";
    out += "calls: " + std::to_string(s.calls) + " sent, " + std::to_string(s.results) + " CALLRESULT, " +
           std::to_string(s.errors) + " CALLERROR/timeout, " + std::to_string(s.unexpected) + " unexpected\n";
    if (!s.errors_by_code.empty()) {
        out += "errors by code:";
        for (const auto& [code, n] : s.errors_by_code) {
            out += " " + code + "=" + std::to_string(n);
        }
        out += "\n";
    }
    out += "elapsed: " + fmt("%.3f", s.elapsed_s) + " s, " + fmt("%.1f", s.calls_per_s) + " calls/s\n";
    out += "latency ms: p50 " + fmt("%.3f", s.p50_ms) + " p95 " + fmt("%.3f", s.p95_ms) + " p99 " +
           fmt("%.3f", s.p99_ms) + " max " + fmt("%.3f", s.max_ms) + "\n";
    out += "connect ms: p50 " + fmt("%.3f", s.connect_p50_ms) + " p95 " + fmt("%.3f", s.connect_p95_ms) + " p99 " +
           fmt("%.3f", s.connect_p99_ms) + " max " + fmt("%.3f", s.connect_max_ms) + ", " +
           fmt("%.1f", s.handshakes_per_s) + " handshakes/s\n";
    for (std::size_t i = 0; i < s.failures.size() && i < max_failures; ++i) {
        out += "failed: " + s.failures[i].first + ": " + s.failures[i].second + "\n";
    }
    if (s.failures.size() > max_failures) {
        out += "failed: ... and " + std::to_string(s.failures.size() - max_failures) + " more\n";
    }
    out += succeeded(s) ? "result: OK\n" : "result: FAILED\n";
    return out;
}

std::string format_json(const Summary& s)
{
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("chargers");
    w.Uint64(s.chargers);
    w.Key("connected");
    w.Uint64(s.connected);
    w.Key("completed");
    w.Uint64(s.completed);
    w.Key("calls");
    w.Uint64(s.calls);
    w.Key("results");
    w.Uint64(s.results);
    w.Key("errors");
    w.Uint64(s.errors);
    w.Key("errors_by_code");
    w.StartObject();
    for (const auto& [code, n] : s.errors_by_code) {
        w.Key(code.c_str(), static_cast<rapidjson::SizeType>(code.size()));
        w.Uint64(n);
    }
    w.EndObject();
    w.Key("unexpected");
    w.Uint64(s.unexpected);
    w.Key("elapsed_s");
    w.Double(round3(s.elapsed_s));
    w.Key("calls_per_s");
    w.Double(round3(s.calls_per_s));
    w.Key("latency_ms");
    w.StartObject();
    w.Key("p50");
    w.Double(round3(s.p50_ms));
    w.Key("p95");
    w.Double(round3(s.p95_ms));
    w.Key("p99");
    w.Double(round3(s.p99_ms));
    w.Key("max");
    w.Double(round3(s.max_ms));
    w.EndObject();
    w.Key("connect_ms");
    w.StartObject();
    w.Key("p50");
    w.Double(round3(s.connect_p50_ms));
    w.Key("p95");
    w.Double(round3(s.connect_p95_ms));
    w.Key("p99");
    w.Double(round3(s.connect_p99_ms));
    w.Key("max");
    w.Double(round3(s.connect_max_ms));
    w.EndObject();
    w.Key("handshakes_per_s");
    w.Double(round3(s.handshakes_per_s));
    w.Key("ok");
    w.Bool(succeeded(s));
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

} // namespace csms::sim
