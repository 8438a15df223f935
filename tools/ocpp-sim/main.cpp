// ocpp-sim: drives N simulated charge points through a scripted OCPP 1.6J
// session against a central system and reports what came back.
// Exit code: 0 every charger completed as expected, 1 otherwise, 2 bad arguments
// (including an unreadable --ca-file or a client key that does not match).
#include "charger.hpp"
#include "frame_log.hpp"
#include "options.hpp"
#include "stats.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <thread>
#include <variant>

namespace {

namespace net = boost::asio;
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

int run(const Options& options, const WsUrl& url)
{
    const auto started = std::chrono::steady_clock::now();
    net::io_context ioc;

    // Resolve once: thousands of chargers need not ask the resolver each.
    boost::system::error_code ec;
    auto resolved = net::ip::tcp::resolver(ioc).resolve(url.host, url.port, ec);
    if (ec) {
        std::vector<ChargerStats> stats(static_cast<std::size_t>(options.chargers));
        for (int i = 0; i < options.chargers; ++i) {
            stats[static_cast<std::size_t>(i)].charge_point_id = charger_id(options.prefix, i + 1);
            stats[static_cast<std::size_t>(i)].failure = "resolve " + url.host + ": " + ec.message();
        }
        Summary summary = summarize(stats, std::chrono::steady_clock::now() - started);
        print_summary(summary, options.json);
        return exit_failed;
    }
    auto endpoints = std::make_shared<Endpoints>(resolved.begin(), resolved.end());

    std::shared_ptr<TlsClient> tls;
    if (url.tls) {
        auto made =
            make_tls_client({url.host, options.ca_file, options.client_cert_pattern, options.client_key_pattern});
        if (auto* error = std::get_if<std::string>(&made)) {
            std::fprintf(stderr, "ocpp-sim: error: %s\n", error->c_str());
            return exit_usage;
        }
        tls = std::get<std::shared_ptr<TlsClient>>(std::move(made));
    }

    // With --json, stdout carries the one summary line only.
    FrameLog log(options.json ? stderr : stdout, options.verbose || options.chargers == 1);
    csms::base::SystemClock clock;

    net::signal_set signals(net::make_strand(ioc), SIGINT, SIGTERM);
    std::vector<std::shared_ptr<Charger>> chargers;
    std::atomic<int> remaining{options.chargers};
    auto on_done = [&] {
        // The last charger releases the signal set, so run() can return.
        if (remaining.fetch_sub(1) == 1) {
            net::post(signals.get_executor(), [&] { signals.cancel(); });
        }
    };

    chargers.reserve(static_cast<std::size_t>(options.chargers));
    for (int i = 1; i <= options.chargers; ++i) {
        ChargerSettings settings;
        settings.scenario.charge_point_id = charger_id(options.prefix, i);
        settings.scenario.id_tag = options.id_tag.value_or(default_id_tag(i));
        settings.scenario.sessions = options.sessions;
        settings.scenario.meter_values = options.meter_values;
        settings.scenario.boot_only = options.connect_only;
        settings.host_header = url.host_header;
        settings.target = url.path + "/" + settings.scenario.charge_point_id;
        if (options.connect_rate > 0) {
            settings.start_delay = std::chrono::microseconds(
                static_cast<std::int64_t>(static_cast<double>(i - 1) * 1'000'000.0 / options.connect_rate));
        }
        settings.call_timeout = std::chrono::milliseconds(options.call_timeout_ms);
        settings.hold = std::chrono::milliseconds(static_cast<std::int64_t>(options.hold_seconds * 1000.0));
        if (options.password_pattern) {
            settings.authorization =
                basic_authorization(settings.scenario.charge_point_id,
                                    expand_pattern(*options.password_pattern, settings.scenario.charge_point_id));
        }
        chargers.push_back(make_charger(ioc, endpoints, tls, std::move(settings), log, clock, on_done));
    }

    signals.async_wait([&](const boost::system::error_code& error, int) {
        if (error) {
            return;
        }
        std::fprintf(stderr, "ocpp-sim: interrupted, stopping chargers\n");
        for (auto& charger : chargers) {
            charger->stop();
        }
    });
    for (auto& charger : chargers) {
        charger->start();
    }

    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(options.threads));
    for (int t = 0; t < options.threads; ++t) {
        threads.emplace_back([&ioc] { ioc.run(); });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    const auto elapsed = std::chrono::steady_clock::now() - started;

    std::vector<ChargerStats> stats;
    stats.reserve(chargers.size());
    for (const auto& charger : chargers) {
        stats.push_back(charger->stats());
    }
    Summary summary = summarize(stats, elapsed);
    print_summary(summary, options.json);
    return succeeded(summary) ? exit_ok : exit_failed;
}

} // namespace

int main(int argc, char** argv)
{
    Options options;
    CLI::App app{"ocpp-sim: OCPP 1.6J charger simulator and load generator", "ocpp-sim"};
    app.add_option("--url", options.url, "Central system base URL; chargers connect to URL/{chargePointId}")
        ->required();
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
                   "After the script, keep the connection open this long, answering the server's calls")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 31'536'000.0));
    app.add_flag("--connect-only", options.connect_only,
                 "Script is BootNotification only (no charging session); then --hold-seconds");
    app.add_flag("--verbose,-v", options.verbose, "Print every frame (automatic with one charger)");
    app.add_flag("--json", options.json, "Print the summary as one JSON line");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
            return app.exit(e); // --help
        }
        return usage_error(e.what());
    }
    if (auto error = validate(options)) {
        return usage_error(*error);
    }
    const WsUrl url = std::get<WsUrl>(parse_ws_url(options.url));

    try {
        return run(options, url);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ocpp-sim: error: %s\n", e.what());
        return exit_failed;
    }
}
