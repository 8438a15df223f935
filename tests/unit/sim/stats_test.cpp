#include "server_probe.hpp"
#include "stats.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

using namespace csms::sim;

namespace {

ChargerStats charger(const char* id, bool completed, std::uint64_t calls)
{
    ChargerStats c;
    c.charge_point_id = id;
    c.connected = true;
    c.completed = completed;
    c.calls = calls;
    c.results = calls;
    c.connections = 1;
    c.connect_started = SteadyTimePoint{} + std::chrono::seconds(10);
    c.opened = c.connect_started + std::chrono::milliseconds(5);
    if (!completed) {
        c.failure = "read: broken pipe";
        c.errors["ConnectionLost"] = 1;
    }
    return c;
}

} // namespace

TEST_CASE("sim stats: totals survive the pipe from a child and merge", "[sim][stats]")
{
    RunTotals a;
    a.add(charger("SIM-0001", true, 10));
    a.add(charger("SIM-0002", false, 4));
    a.latency.record(1500);
    a.connect.record(5000);

    auto back = deserialize_totals(serialize_totals(a));
    REQUIRE(back);
    CHECK(back->chargers == 2);
    CHECK(back->completed == 1);
    CHECK(back->calls == 14);
    CHECK(back->errors_by_code.at("ConnectionLost") == 1);
    CHECK(back->latency.count() == 1);
    CHECK(back->first_connect_ns == a.first_connect_ns);
    REQUIRE(back->failures.size() == 1);
    CHECK(back->failures[0].first == "SIM-0002");

    RunTotals b;
    b.add(charger("SIM-0003", true, 6));
    b.latency.record(2500);
    b.merge(*back);
    CHECK(b.chargers == 3);
    CHECK(b.calls == 20);
    CHECK(b.latency.count() == 2);
    CHECK(b.failure_count == 1);
    CHECK_FALSE(deserialize_totals("{}"));
    CHECK_FALSE(deserialize_totals("not json"));
}

TEST_CASE("sim stats: the JSON summary keeps the old fields and adds the new ones", "[sim][stats]")
{
    RunTotals t;
    t.add(charger("SIM-0001", true, 10));
    for (int i = 1; i <= 1000; ++i) {
        t.latency.record(i * 1000);
    }
    t.load_calls = 8;
    RunContext context;
    context.mode = "load";
    context.started = SteadyTimePoint{} + std::chrono::seconds(10);
    context.elapsed = std::chrono::seconds(6);
    context.load_start = SteadyTimePoint{} + std::chrono::seconds(11);
    context.load_end = context.load_start + std::chrono::seconds(4);
    Summary s = summarize(t, context);
    s.server = ServerUsage{1.5, 1000, 900, 2.0, 3.0};

    rapidjson::Document doc;
    doc.Parse(format_json(s).c_str());
    REQUIRE_FALSE(doc.HasParseError());
    for (const char* key : {"chargers",
                            "connected",
                            "completed",
                            "calls",
                            "results",
                            "errors",
                            "errors_by_code",
                            "unexpected",
                            "elapsed_s",
                            "calls_per_s",
                            "latency_ms",
                            "connect_ms",
                            "handshakes_per_s",
                            "ok",
                            "mode",
                            "connections",
                            "connect_failures",
                            "load_calls",
                            "load_calls_per_s",
                            "load_elapsed_s",
                            "tls_resumed",
                            "server"}) {
        INFO(key);
        CHECK(doc.HasMember(key));
    }
    CHECK(doc["latency_ms"]["p50"].GetDouble() == Approx(500).epsilon(0.01));
    CHECK(doc["latency_ms"]["p999"].GetDouble() == Approx(999).epsilon(0.01));
    CHECK(doc["latency_ms"]["max"].GetDouble() == 1000);
    CHECK(doc["load_elapsed_s"].GetDouble() == 4);
    CHECK(doc["load_calls_per_s"].GetDouble() == 2);
    CHECK(doc["server"]["peak_rss_kb"].GetUint64() == 1000);
    CHECK(std::string(doc["mode"].GetString()) == "load");
    CHECK(doc["ok"].GetBool());
    CHECK_FALSE(doc.HasMember("converged")); // storm only

    // Every charger done before the window closed: the server was killed.
    context.elapsed = std::chrono::seconds(3);
    CHECK(summarize(t, context).load_elapsed_s == Approx(4));
    t.dropped = 1;
    CHECK(summarize(t, context).load_elapsed_s == Approx(2));
}

TEST_CASE("sim server probe: cpu ticks and memory from /proc text", "[sim][stats]")
{
    const std::string stat = "4242 (csms d) S 1 4242 4242 0 -1 4194560 2000 0 0 0 150 25 0 0 20 0 5 0 100 0 0";
    CHECK(parse_stat_cpu_ticks(stat) == 175u);
    CHECK_FALSE(parse_stat_cpu_ticks("4242 (x) S 1 2"));
    CHECK_FALSE(parse_stat_cpu_ticks("garbage"));
    const std::string status = "Name:\tcsmsd\nVmPeak:\t  9000 kB\nVmHWM:\t   26000 kB\nVmRSS:\t   25000 kB\n";
    CHECK(parse_status_kb(status, "VmHWM") == 26000u);
    CHECK(parse_status_kb(status, "VmRSS") == 25000u);
    CHECK_FALSE(parse_status_kb(status, "VmSwap"));
    CHECK(sample_process(::getpid()).has_value());
}

TEST_CASE("sim stats: the latency of each kind of call survives the pipe and is summarized", "[sim][stats]")
{
    RunTotals a;
    a.add(charger("SIM-0001", true, 3));
    Recorders r;
    r.by_kind[static_cast<std::size_t>(CallKind::meter_values)].record(2000);
    r.by_kind[static_cast<std::size_t>(CallKind::meter_values)].record(4000);
    r.by_kind[static_cast<std::size_t>(CallKind::status_notification)].record(1000);
    a.add(r);
    auto back = deserialize_totals(serialize_totals(a));
    REQUIRE(back);
    RunTotals b;
    b.merge(*back);
    b.merge(*back);

    RunContext context;
    context.mode = "load";
    context.closed_loop = true;
    context.load_start = SteadyTimePoint{} + std::chrono::seconds(1);
    context.load_end = context.load_start + std::chrono::seconds(2);
    const Summary s = summarize(b, context);
    REQUIRE(s.latency_by_kind.size() == 2); // no Heartbeat was sent
    CHECK(s.latency_by_kind[0].action == "MeterValues");
    CHECK(s.latency_by_kind[0].count == 4);
    CHECK(s.latency_by_kind[0].max_ms == Approx(4.0));
    CHECK(s.latency_by_kind[1].action == "StatusNotification");
    CHECK(s.latency_by_kind[1].count == 2);

    rapidjson::Document doc;
    doc.Parse(format_json(s).c_str());
    REQUIRE_FALSE(doc.HasParseError());
    CHECK(doc["closed_loop"].GetBool());
    CHECK(doc["latency_by_kind_ms"]["MeterValues"]["count"].GetUint64() == 4);
    CHECK(doc["latency_by_kind_ms"]["StatusNotification"]["p99"].GetDouble() == Approx(1.0).epsilon(0.01));
    CHECK(format_text(s).find("latency ms MeterValues: 4 calls") != std::string::npos);
}
