#include "stats.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace csms::sim {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

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

double ms(const Histogram& h, double p)
{
    return h.percentile_us(p) / 1000.0;
}

double seconds_between(std::int64_t from_ns, std::int64_t to_ns)
{
    return static_cast<double>(to_ns - from_ns) / 1e9;
}

// The counters and times of RunTotals by name, for the child-to-parent pipe.
struct CounterField {
    std::string_view name;
    std::uint64_t RunTotals::*member;
};
constexpr CounterField counter_fields[] = {
    {"chargers", &RunTotals::chargers},
    {"connected", &RunTotals::connected},
    {"completed", &RunTotals::completed},
    {"converged", &RunTotals::converged},
    {"dropped", &RunTotals::dropped},
    {"calls", &RunTotals::calls},
    {"results", &RunTotals::results},
    {"errors", &RunTotals::errors},
    {"unexpected", &RunTotals::unexpected},
    {"connections", &RunTotals::connections},
    {"connect_failures", &RunTotals::connect_failures},
    {"retries", &RunTotals::retries},
    {"tls_resumed", &RunTotals::tls_resumed},
    {"load_calls", &RunTotals::load_calls},
    {"load_skipped", &RunTotals::load_skipped},
    {"failure_count", &RunTotals::failure_count},
};

struct TimeField {
    std::string_view name;
    std::int64_t RunTotals::*member;
};
constexpr TimeField time_fields[] = {
    {"first_connect_ns", &RunTotals::first_connect_ns},
    {"last_open_ns", &RunTotals::last_open_ns},
    {"last_converged_ns", &RunTotals::last_converged_ns},
    {"last_load_reply_ns", &RunTotals::last_load_reply_ns},
};

void key(JsonWriter& w, std::string_view k)
{
    w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
}

void string(JsonWriter& w, std::string_view s)
{
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void merge_kinds(KindHistograms& into, const KindHistograms& from)
{
    for (std::size_t k = 0; k < call_kind_count; ++k) {
        into[k].merge(from[k]);
    }
}

std::vector<KindLatency> kind_latencies(const KindHistograms& by_kind)
{
    std::vector<KindLatency> out;
    for (std::size_t k = 0; k < call_kind_count; ++k) {
        const Histogram& h = by_kind[k];
        if (h.count() > 0) {
            out.push_back(KindLatency{std::string(call_kind_action(static_cast<CallKind>(k))), h.count(), ms(h, 50),
                                      ms(h, 99), static_cast<double>(h.max()) / 1000.0});
        }
    }
    return out;
}

} // namespace

std::string_view call_kind_action(CallKind kind)
{
    switch (kind) {
    case CallKind::meter_values:
        return "MeterValues";
    case CallKind::heartbeat:
        return "Heartbeat";
    case CallKind::status_notification:
        return "StatusNotification";
    }
    return "?";
}

Recorders& thread_recorders()
{
    // About 120 KB per I/O thread, so no allocation happens on the first record.
    thread_local Recorders recorders;
    return recorders;
}

std::int64_t steady_ns(SteadyTimePoint t)
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

void RunTotals::add(const ChargerStats& c)
{
    ++chargers;
    connected += c.connected ? 1 : 0;
    completed += c.completed ? 1 : 0;
    converged += c.converged ? 1 : 0;
    dropped += c.dropped ? 1 : 0;
    calls += c.calls;
    results += c.results;
    unexpected += c.unexpected;
    connections += c.connections;
    connect_failures += c.connect_failures;
    retries += c.retries;
    tls_resumed += c.tls_resumed;
    load_calls += c.load_calls;
    load_skipped += c.load_skipped;
    for (const auto& [code, n] : c.errors) {
        errors += n;
        errors_by_code[code] += n;
    }
    if (c.connected) {
        first_connect_ns = std::min(first_connect_ns, steady_ns(c.connect_started));
        last_open_ns = std::max(last_open_ns, steady_ns(c.opened));
    }
    if (c.converged) {
        last_converged_ns = std::max(last_converged_ns, steady_ns(c.converged_at));
    }
    if (c.load_calls > 0) {
        last_load_reply_ns = std::max(last_load_reply_ns, steady_ns(c.last_load_reply));
    }
    if (!c.completed) {
        ++failure_count;
        if (failures.size() < max_failures_kept) {
            failures.emplace_back(c.charge_point_id, c.failure.empty() ? "did not finish" : c.failure);
        }
    }
}

void RunTotals::add(const Recorders& recorders)
{
    latency.merge(recorders.latency);
    connect.merge(recorders.connect);
    merge_kinds(latency_by_kind, recorders.by_kind);
}

void RunTotals::merge(const RunTotals& o)
{
    for (const auto& field : counter_fields) {
        this->*field.member += o.*field.member;
    }
    for (const auto& [code, n] : o.errors_by_code) {
        errors_by_code[code] += n;
    }
    latency.merge(o.latency);
    connect.merge(o.connect);
    merge_kinds(latency_by_kind, o.latency_by_kind);
    first_connect_ns = std::min(first_connect_ns, o.first_connect_ns);
    last_open_ns = std::max(last_open_ns, o.last_open_ns);
    last_converged_ns = std::max(last_converged_ns, o.last_converged_ns);
    last_load_reply_ns = std::max(last_load_reply_ns, o.last_load_reply_ns);
    for (const auto& f : o.failures) {
        if (failures.size() < max_failures_kept) {
            failures.push_back(f);
        }
    }
}

std::string serialize_totals(const RunTotals& t)
{
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    for (const auto& field : counter_fields) {
        key(w, field.name);
        w.Uint64(t.*field.member);
    }
    for (const auto& field : time_fields) {
        key(w, field.name);
        w.Int64(t.*field.member);
    }
    key(w, "errors_by_code");
    w.StartObject();
    for (const auto& [code, n] : t.errors_by_code) {
        key(w, code);
        w.Uint64(n);
    }
    w.EndObject();
    key(w, "latency");
    string(w, t.latency.serialize());
    key(w, "connect");
    string(w, t.connect.serialize());
    key(w, "latency_by_kind");
    w.StartArray();
    for (const auto& h : t.latency_by_kind) {
        string(w, h.serialize());
    }
    w.EndArray();
    key(w, "failures");
    w.StartArray();
    for (const auto& [id, reason] : t.failures) {
        w.StartArray();
        string(w, id);
        string(w, reason);
        w.EndArray();
    }
    w.EndArray();
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<RunTotals> deserialize_totals(std::string_view text)
{
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        return std::nullopt;
    }
    RunTotals t;
    for (const auto& field : counter_fields) {
        auto it = doc.FindMember(rapidjson::StringRef(field.name.data(), field.name.size()));
        if (it == doc.MemberEnd() || !it->value.IsUint64()) {
            return std::nullopt;
        }
        t.*field.member = it->value.GetUint64();
    }
    for (const auto& field : time_fields) {
        auto it = doc.FindMember(rapidjson::StringRef(field.name.data(), field.name.size()));
        if (it == doc.MemberEnd() || !it->value.IsInt64()) {
            return std::nullopt;
        }
        t.*field.member = it->value.GetInt64();
    }
    if (!doc.HasMember("errors_by_code") || !doc["errors_by_code"].IsObject() || !doc.HasMember("latency") ||
        !doc["latency"].IsString() || !doc.HasMember("connect") || !doc["connect"].IsString() ||
        !doc.HasMember("failures") || !doc["failures"].IsArray()) {
        return std::nullopt;
    }
    for (const auto& m : doc["errors_by_code"].GetObject()) {
        if (!m.value.IsUint64()) {
            return std::nullopt;
        }
        t.errors_by_code[std::string(m.name.GetString(), m.name.GetStringLength())] = m.value.GetUint64();
    }
    if (!t.latency.deserialize(doc["latency"].GetString()) || !t.connect.deserialize(doc["connect"].GetString())) {
        return std::nullopt;
    }
    auto kinds = doc.FindMember("latency_by_kind");
    if (kinds == doc.MemberEnd() || !kinds->value.IsArray() || kinds->value.Size() != call_kind_count) {
        return std::nullopt;
    }
    for (rapidjson::SizeType k = 0; k < call_kind_count; ++k) {
        const auto& part = kinds->value[k];
        if (!part.IsString() || !t.latency_by_kind[k].deserialize(part.GetString())) {
            return std::nullopt;
        }
    }
    for (const auto& f : doc["failures"].GetArray()) {
        if (!f.IsArray() || f.Size() != 2 || !f[0].IsString() || !f[1].IsString()) {
            return std::nullopt;
        }
        t.failures.emplace_back(f[0].GetString(), f[1].GetString());
    }
    return t;
}

Summary summarize(const RunTotals& t, const RunContext& context)
{
    Summary s;
    s.mode = context.mode;
    s.closed_loop = context.closed_loop;
    s.chargers = t.chargers;
    s.connected = t.connected;
    s.completed = t.completed;
    s.calls = t.calls;
    s.results = t.results;
    s.errors = t.errors;
    s.errors_by_code = t.errors_by_code;
    s.unexpected = t.unexpected;
    s.elapsed_s = std::chrono::duration<double>(context.elapsed).count();
    s.calls_per_s = s.elapsed_s > 0 ? static_cast<double>(s.calls) / s.elapsed_s : 0;
    s.p50_ms = ms(t.latency, 50);
    s.p95_ms = ms(t.latency, 95);
    s.p99_ms = ms(t.latency, 99);
    s.p999_ms = ms(t.latency, 99.9);
    s.max_ms = static_cast<double>(t.latency.max()) / 1000.0;
    s.connect_p50_ms = ms(t.connect, 50);
    s.connect_p95_ms = ms(t.connect, 95);
    s.connect_p99_ms = ms(t.connect, 99);
    s.connect_max_ms = static_cast<double>(t.connect.max()) / 1000.0;
    if (t.connections > 0 && t.last_open_ns > t.first_connect_ns) {
        s.handshakes_per_s = static_cast<double>(t.connections) / seconds_between(t.first_connect_ns, t.last_open_ns);
    }
    s.connections = t.connections;
    s.connect_failures = t.connect_failures;
    s.tls_resumed = t.tls_resumed;
    s.dropped = t.dropped;
    s.load_calls = t.load_calls;
    s.load_skipped = t.load_skipped;
    if (context.mode == "load") {
        // The window, cut short when the server went away (every charger was
        // done before its end), stretched when a backlog was still being
        // answered after it.
        const std::int64_t start_ns = steady_ns(context.load_start);
        std::int64_t end_ns = steady_ns(context.load_end);
        if (t.dropped > 0) {
            end_ns = std::min(end_ns, steady_ns(context.started + context.elapsed));
        }
        end_ns = std::max(end_ns, t.last_load_reply_ns);
        s.load_elapsed_s = end_ns > start_ns ? seconds_between(start_ns, end_ns) : 0;
        s.load_calls_per_s = s.load_elapsed_s > 0 ? static_cast<double>(s.load_calls) / s.load_elapsed_s : 0;
        s.latency_by_kind = kind_latencies(t.latency_by_kind);
    }
    s.converged = t.converged;
    s.retries = t.retries;
    if (t.converged > 0) {
        s.converged_s = seconds_between(steady_ns(context.started), t.last_converged_ns);
    }
    s.failures = t.failures;
    s.failure_count = t.failure_count;
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
    out += "mode: " + s.mode + (s.closed_loop ? " (closed loop)" : "") + "\n";
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
    if (s.mode == "load") {
        out += "load: " + std::to_string(s.load_calls) + " periodic calls in " + fmt("%.3f", s.load_elapsed_s) +
               " s, " + fmt("%.1f", s.load_calls_per_s) +
               " calls/s (connection work: " + std::to_string(s.calls - s.load_calls) + " calls; " +
               std::to_string(s.load_skipped) + " slots skipped by chargers up late)\n";
    }
    out += "latency ms: p50 " + fmt("%.3f", s.p50_ms) + " p95 " + fmt("%.3f", s.p95_ms) + " p99 " +
           fmt("%.3f", s.p99_ms) + " p99.9 " + fmt("%.3f", s.p999_ms) + " max " + fmt("%.3f", s.max_ms) + "\n";
    for (const auto& k : s.latency_by_kind) {
        out += "latency ms " + k.action + ": " + std::to_string(k.count) + " calls, p50 " + fmt("%.3f", k.p50_ms) +
               " p99 " + fmt("%.3f", k.p99_ms) + " max " + fmt("%.3f", k.max_ms) + "\n";
    }
    out += "connect ms: p50 " + fmt("%.3f", s.connect_p50_ms) + " p95 " + fmt("%.3f", s.connect_p95_ms) + " p99 " +
           fmt("%.3f", s.connect_p99_ms) + " max " + fmt("%.3f", s.connect_max_ms) + ", " +
           fmt("%.1f", s.handshakes_per_s) + " handshakes/s\n";
    out += "connections: " + std::to_string(s.connections) + " opened, " + std::to_string(s.connect_failures) +
           " failed, " + std::to_string(s.tls_resumed) + " TLS resumed";
    if (s.dropped > 0) {
        out += ", " + std::to_string(s.dropped) + " dropped by the server";
    }
    out += "\n";
    if (s.mode == "storm") {
        out += "storm: " + std::to_string(s.converged) + " converged after " + fmt("%.3f", s.converged_s) + " s, " +
               std::to_string(s.retries) + " retries\n";
    }
    if (s.server) {
        out += "server: cpu " + fmt("%.3f", s.server->cpu_s) + " s, " + fmt("%.2f", s.server->cpu_ms_per_1000_calls) +
               " ms per 1000 calls, " + fmt("%.2f", s.server->cpu_ms_per_1000_handshakes) +
               " ms per 1000 handshakes, peak RSS " + std::to_string(s.server->peak_rss_kb) + " kB, RSS " +
               std::to_string(s.server->rss_kb) + " kB\n";
    }
    for (std::size_t i = 0; i < s.failures.size() && i < max_failures; ++i) {
        out += "failed: " + s.failures[i].first + ": " + s.failures[i].second + "\n";
    }
    const std::uint64_t shown = std::min<std::uint64_t>(s.failures.size(), max_failures);
    if (s.failure_count > shown) {
        out += "failed: ... and " + std::to_string(s.failure_count - shown) + " more\n";
    }
    out += succeeded(s) ? "result: OK\n" : "result: FAILED\n";
    return out;
}

std::string format_json(const Summary& s)
{
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    w.Key("mode");
    string(w, s.mode);
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
        key(w, code);
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
    w.Key("p999");
    w.Double(round3(s.p999_ms));
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
    w.Key("connections");
    w.Uint64(s.connections);
    w.Key("connect_failures");
    w.Uint64(s.connect_failures);
    w.Key("tls_resumed");
    w.Uint64(s.tls_resumed);
    w.Key("dropped");
    w.Uint64(s.dropped);
    if (s.mode == "load") {
        w.Key("load_calls");
        w.Uint64(s.load_calls);
        w.Key("load_calls_per_s");
        w.Double(round3(s.load_calls_per_s));
        w.Key("load_elapsed_s");
        w.Double(round3(s.load_elapsed_s));
        w.Key("connection_calls");
        w.Uint64(s.calls - s.load_calls);
        w.Key("load_skipped");
        w.Uint64(s.load_skipped);
        w.Key("closed_loop");
        w.Bool(s.closed_loop);
        w.Key("latency_by_kind_ms");
        w.StartObject();
        for (const auto& k : s.latency_by_kind) {
            key(w, k.action);
            w.StartObject();
            w.Key("count");
            w.Uint64(k.count);
            w.Key("p50");
            w.Double(round3(k.p50_ms));
            w.Key("p99");
            w.Double(round3(k.p99_ms));
            w.Key("max");
            w.Double(round3(k.max_ms));
            w.EndObject();
        }
        w.EndObject();
    }
    if (s.mode == "storm") {
        w.Key("converged");
        w.Uint64(s.converged);
        w.Key("converged_s");
        w.Double(round3(s.converged_s));
        w.Key("retries");
        w.Uint64(s.retries);
    }
    if (s.server) {
        w.Key("server");
        w.StartObject();
        w.Key("cpu_s");
        w.Double(round3(s.server->cpu_s));
        w.Key("peak_rss_kb");
        w.Uint64(s.server->peak_rss_kb);
        w.Key("rss_kb");
        w.Uint64(s.server->rss_kb);
        w.Key("cpu_ms_per_1000_calls");
        w.Double(round3(s.server->cpu_ms_per_1000_calls));
        w.Key("cpu_us_per_call");
        w.Double(round3(s.server->cpu_ms_per_1000_calls));
        w.Key("cpu_ms_per_1000_handshakes");
        w.Double(round3(s.server->cpu_ms_per_1000_handshakes));
        w.EndObject();
    }
    w.Key("ok");
    w.Bool(succeeded(s));
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

} // namespace csms::sim
