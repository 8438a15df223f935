// ocpp-sim: drives N simulated charge points against a central system and
// reports what came back: a scripted OCPP 1.6J session each (--mode script,
// the default), an open-loop load (--mode load), a closed-loop mixed load
// (--mode load --closed-loop) or a reconnect storm
// (--mode storm); `ocpp-sim verify-durability` checks a --durability-log
// against the server's database afterwards.
// Exit code: 0 every charger completed as expected, 1 otherwise, 2 bad arguments
// (including an unreadable --ca-file or a client key that does not match).
#include "charger.hpp"
#include "children.hpp"
#include "options.hpp"
#include "run.hpp"
#include "server_probe.hpp"
#include "stats.hpp"
#include "verify_durability.hpp"

#include <CLI/CLI.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <variant>

namespace {

using namespace csms::sim;

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

int usage_error(const std::string& message)
{
    std::fprintf(stderr, "ocpp-sim: error: %s (see --help)\n", message.c_str());
    return exit_usage;
}

void print_summary(const Summary& summary, bool json)
{
    std::string out = json ? format_json(summary) + "\n" : format_text(summary);
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
}

// Thousands of sockets per process: the soft limit (often 1024) would refuse them.
void raise_open_file_limit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

// The children's FILE.k, appended to FILE in child order, then removed.
bool merge_durability_parts(const std::string& path, int processes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    bool ok = static_cast<bool>(out);
    for (int k = 0; k < processes; ++k) {
        const std::string part = path + "." + std::to_string(k);
        std::ifstream in(part, std::ios::binary);
        if (in) {
            out << in.rdbuf();
            in.close();
            std::remove(part.c_str());
        }
    }
    out.flush();
    return ok && static_cast<bool>(out);
}

int run(const Options& options, const WsUrl& url)
{
    std::shared_ptr<TlsClient> tls;
    if (url.tls) {
        // Before the fork: the children share the verified context.
        auto made = make_tls_client(
            {url.host, options.ca_file, options.client_cert_pattern, options.client_key_pattern, options.tls_resume});
        if (auto* error = std::get_if<std::string>(&made)) {
            std::fprintf(stderr, "ocpp-sim: error: %s\n", error->c_str());
            return exit_usage;
        }
        tls = std::get<std::shared_ptr<TlsClient>>(std::move(made));
    }

    const RunPlan plan = plan_run(options, std::chrono::steady_clock::now());
    std::unique_ptr<ServerWatch> watch;
    auto start_watch = [&] {
        if (options.server_pid > 0) {
            std::optional<std::pair<SteadyPoint, SteadyPoint>> window;
            if (plan.mode == Mode::load) {
                window = std::make_pair(plan.load_start, plan.load_end);
            }
            watch = std::make_unique<ServerWatch>(options.server_pid, window);
        }
    };

    RunTotals totals;
    std::vector<std::string> problems;
    if (options.processes == 1) {
        start_watch();
        totals = run_slice(options, url, Slice{1, options.chargers}, plan, tls, options.durability_log);
    } else {
        auto result = run_children(
            options.processes, options.chargers,
            [&](int index, Slice slice) {
                const std::string log =
                    options.durability_log.empty() ? "" : options.durability_log + "." + std::to_string(index);
                return run_slice(options, url, slice, plan, tls, log);
            },
            start_watch);
        totals = std::move(result.totals);
        problems = std::move(result.problems);
        if (!options.durability_log.empty() && !merge_durability_parts(options.durability_log, options.processes)) {
            problems.push_back("cannot write --durability-log " + options.durability_log);
        }
    }

    RunContext context;
    context.mode = options.mode;
    context.closed_loop = options.closed_loop;
    context.started = plan.started;
    context.elapsed = std::chrono::steady_clock::now() - plan.started;
    context.load_start = plan.load_start;
    context.load_end = plan.load_end;
    Summary summary = summarize(totals, context);
    if (watch) {
        summary.server = watch->finish(plan.mode == Mode::load ? totals.load_calls : totals.calls, totals.connections);
    }
    for (const auto& problem : problems) {
        std::fprintf(stderr, "ocpp-sim: error: %s\n", problem.c_str());
    }
    print_summary(summary, options.json);
    return succeeded(summary) && problems.empty() ? exit_ok : exit_failed;
}

int verify(const std::string& log_path, const std::string& db_path, bool json)
{
    try {
        const VerifyResult result = verify_durability(log_path, db_path);
        const std::string out = json ? format_verify_json(result) + "\n" : format_verify_text(result);
        std::fwrite(out.data(), 1, out.size(), stdout);
        return result.missing_count == 0 ? exit_ok : exit_failed;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ocpp-sim: verify-durability: error: %s\n", e.what());
        return exit_failed;
    }
}

} // namespace

int main(int argc, char** argv)
{
    Options options;
    CLI::App app{"ocpp-sim: OCPP 1.6J charger simulator and load generator", "ocpp-sim"};
    app.add_option("--url", options.url, "Central system base URL; chargers connect to URL/{chargePointId}");
    app.add_option("--chargers", options.chargers, "Number of simulated chargers")
        ->capture_default_str()
        ->check(CLI::Range(1, 1'000'000));
    app.add_option("--prefix", options.prefix, "Charger id prefix: {prefix}-0001 ...")->capture_default_str();
    app.add_option("--sessions", options.sessions, "Charging sessions per charger")
        ->capture_default_str()
        ->check(CLI::Range(0, 1'000'000));
    app.add_option("--meter-values", options.meter_values, "MeterValues per session")
        ->capture_default_str()
        ->check(CLI::Range(0, 1'000'000));
    app.add_option("--temperature", options.temperature_c,
                   "script: every MeterValues reports this connector Temperature, Celsius (an over-heating charger)")
        ->check(CLI::Range(-60.0, 300.0));
    app.add_option("--id-tag", options.id_tag, "idTag for every charger (default TAG-{charger number})");
    app.add_option("--threads", options.threads, "I/O threads")->capture_default_str()->check(CLI::Range(1, 1024));
    app.add_option("--connect-rate", options.connect_rate, "New connections per second, 0 = unlimited")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1e9));
    app.add_option("--call-timeout-ms", options.call_timeout_ms, "Time to wait for each reply")
        ->capture_default_str()
        ->check(CLI::Range(1, 86'400'000));
    app.add_option("--ca-file", options.ca_file, "CA certificate(s), PEM, to verify a wss:// server (required for wss)")
        ->check(CLI::ExistingFile);
    app.add_option("--client-cert", options.client_cert_pattern,
                   "Client certificate chain, PEM, for mutual TLS; {id} = charger id, e.g. certs/clients/{id}.crt");
    app.add_option("--client-key", options.client_key_pattern, "Client private key, PEM; {id} = charger id");
    app.add_option("--password", options.password_pattern,
                   "HTTP Basic auth on the upgrade: user = charger id, this password; {id} = charger id");
    app.add_option("--hold-seconds", options.hold_seconds,
                   "After the script (or, in storm mode, after converging), keep the connection open this long, "
                   "answering the server's calls; in script mode RemoteStartTransaction runs a session on connector "
                   "1 (StartTransaction, one MeterValues) until RemoteStopTransaction")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 31'536'000.0));
    app.add_flag("--connect-only", options.connect_only,
                 "Script is BootNotification only (no charging session); then --hold-seconds");
    app.add_flag("--verbose,-v", options.verbose, "Print every frame (automatic with one charger)");
    app.add_flag("--json", options.json, "Print the summary as one JSON line");

    // The load generator.
    app.add_option("--mode", options.mode,
                   "script: the scripted session per charger; load: open-loop Heartbeat/MeterValues for --duration; "
                   "storm: all dial at once and retry until converged (BootNotification Accepted, "
                   "StatusNotification acknowledged)")
        ->capture_default_str();
    app.add_option("--ramp-seconds", options.ramp_seconds, "load: spread the connections over this long (0 = at once)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 86'400.0));
    app.add_option("--settle-seconds", options.settle_seconds,
                   "load: from the end of the ramp to the start of the measured window")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 86'400.0));
    app.add_option("--duration", options.duration_seconds, "load: length of the measured window, seconds")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 31'536'000.0));
    app.add_option("--heartbeat-interval", options.heartbeat_interval,
                   "load: Heartbeat every S seconds per charger (fractional; 0 = none); storm: during the hold")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 86'400.0));
    app.add_option("--meter-interval", options.meter_interval,
                   "load: MeterValues every S seconds per charger (fractional; 0 = none, and no transaction)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 86'400.0));
    app.add_flag("--closed-loop", options.closed_loop,
                 "load: each charger opens a transaction, then keeps exactly one call in flight for --duration, "
                 "sending the next as soon as the answer comes (latency from the send), as --mix chooses; "
                 "MeterValues carry six varying sampled values");
    app.add_option("--mix", options.mix,
                   "load --closed-loop: shares of the calls, default meter=80,heartbeat=10,status=10 "
                   "(status = StatusNotification Charging); exact over every block of their sum per charger");
    app.add_option("--retry", options.retry,
                   "storm: fixed (10 s), backoff (1 s doubling to 60 s, full jitter) or mix (odd chargers fixed, "
                   "even backoff)")
        ->capture_default_str();
    app.add_option("--storm-timeout", options.storm_timeout, "storm: give up on chargers not converged after S s")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 86'400.0));
    app.add_option("--source-addresses", options.source_addresses,
                   "Bind each new connection round-robin to a local IPv4 address of A-B (or one address A), "
                   "e.g. 127.0.0.2-127.0.0.60");
    app.add_option("--processes", options.processes,
                   "Fork N processes (at most --chargers), each running a contiguous slice of the chargers; one "
                   "summary")
        ->capture_default_str()
        ->check(CLI::Range(1, 1024));
    app.add_option("--server-pid", options.server_pid,
                   "Report the server's CPU (over the load window in load mode, else the whole run) and memory "
                   "from /proc/PID")
        ->check(CLI::Range(1, 1 << 30));
    app.add_flag("--tls-resume", options.tls_resume,
                 "wss: offer each charger's previous TLS session (ticket) when it reconnects");
    app.add_option("--durability-log", options.durability_log,
                   "load: append 'kind charger_id transaction_id timestamp meter_wh' per acknowledged "
                   "Start/MeterValues/StopTransaction; a connection the server drops is then no failure. "
                   "With --processes, children write FILE.k, merged into FILE at the end");

    std::string verify_log;
    std::string verify_db;
    bool verify_json = false;
    CLI::App* verify_cmd = app.add_subcommand(
        "verify-durability", "Check every line of a --durability-log against the server's SQLite database "
                             "(read-only); exit 0 iff none is missing");
    verify_cmd->add_option("--log", verify_log, "The --durability-log file")->required()->check(CLI::ExistingFile);
    verify_cmd->add_option("--db", verify_db, "The server's SQLite database")->required()->check(CLI::ExistingFile);
    verify_cmd->add_flag("--json", verify_json, "Print {\"logged\":M,\"found\":N,\"missing\":K}");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
            return app.exit(e); // --help
        }
        return usage_error(e.what());
    }
    if (verify_cmd->parsed()) {
        return verify(verify_log, verify_db, verify_json || options.json);
    }
    if (options.url.empty()) {
        return usage_error("--url is required");
    }
    if (auto error = validate(options)) {
        return usage_error(*error);
    }
    const WsUrl url = std::get<WsUrl>(parse_ws_url(options.url));
    // More processes than chargers would leave children with nothing to do.
    options.processes = std::min(options.processes, options.chargers);
    raise_open_file_limit();

    try {
        return run(options, url);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ocpp-sim: error: %s\n", e.what());
        return exit_failed;
    }
}
