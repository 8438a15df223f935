#include "run.hpp"

#include "durability_log.hpp"
#include "frame_log.hpp"
#include "load_charger.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <thread>

namespace csms::sim {
namespace {

namespace net = boost::asio;

} // namespace

SteadyDuration connect_delay(const Options& options, int number)
{
    const auto index = static_cast<double>(number - 1);
    if (options.mode == "storm") {
        return SteadyDuration{0};
    }
    if (options.mode == "load" && options.ramp_seconds > 0) {
        return seconds_to_duration(index * options.ramp_seconds / static_cast<double>(options.chargers));
    }
    if (options.connect_rate > 0) {
        return seconds_to_duration(index / options.connect_rate);
    }
    return SteadyDuration{0};
}

RunPlan plan_run(const Options& options, SteadyPoint now)
{
    RunPlan plan;
    plan.mode = parse_mode(options.mode);
    plan.started = now;
    if (plan.mode == Mode::load) {
        const auto spread =
            std::max(seconds_to_duration(options.ramp_seconds), connect_delay(options, options.chargers));
        plan.load_start = now + spread + seconds_to_duration(options.settle_seconds);
        plan.load_end = plan.load_start + seconds_to_duration(options.duration_seconds);
    }
    return plan;
}

RunTotals run_slice(const Options& options, const WsUrl& url, Slice slice, const RunPlan& plan,
                    std::shared_ptr<TlsClient> tls, const std::string& durability_path)
{
    net::io_context ioc;

    // Resolve once: thousands of chargers need not ask the resolver each.
    boost::system::error_code ec;
    auto resolved = net::ip::tcp::resolver(ioc).resolve(url.host, url.port, ec);
    if (ec) {
        RunTotals totals;
        for (int i = slice.first; i <= slice.last; ++i) {
            ChargerStats stats;
            stats.charge_point_id = charger_id(options.prefix, i);
            stats.failure = "resolve " + url.host + ": " + ec.message();
            totals.add(stats);
        }
        return totals;
    }
    auto endpoints = std::make_shared<Endpoints>(resolved.begin(), resolved.end());

    std::unique_ptr<SourceAddresses> sources;
    if (!options.source_addresses.empty()) {
        const auto range = std::get<AddressRange>(parse_address_range(options.source_addresses));
        sources = std::make_unique<SourceAddresses>(range, static_cast<std::uint64_t>(slice.first - 1));
    }
    std::unique_ptr<DurabilityLog> durability;
    if (!durability_path.empty()) {
        durability = std::make_unique<DurabilityLog>(durability_path);
    }

    // With --json, stdout carries the one summary line only.
    const int count = slice.last - slice.first + 1;
    FrameLog log(options.json ? stderr : stdout, options.verbose || options.chargers == 1);
    csms::base::SystemClock clock;

    net::signal_set signals(net::make_strand(ioc), SIGINT, SIGTERM);
    std::vector<std::shared_ptr<Charger>> chargers;
    std::atomic<int> remaining{count};
    auto on_done = [&] {
        // The last charger releases the signal set, so run() can return.
        if (remaining.fetch_sub(1) == 1) {
            net::post(signals.get_executor(), [&] { signals.cancel(); });
        }
    };

    const Mode mode = plan.mode;
    const LoadMix mix = load_mix(options);
    chargers.reserve(static_cast<std::size_t>(count));
    for (int i = slice.first; i <= slice.last; ++i) {
        const std::string id = charger_id(options.prefix, i);
        std::string authorization;
        if (options.password_pattern) {
            authorization = basic_authorization(id, expand_pattern(*options.password_pattern, id));
        }
        if (mode == Mode::script) {
            ChargerSettings settings;
            settings.scenario.charge_point_id = id;
            settings.scenario.id_tag = options.id_tag.value_or(default_id_tag(i));
            settings.scenario.sessions = options.sessions;
            settings.scenario.meter_values = options.meter_values;
            settings.scenario.boot_only = options.connect_only;
            settings.scenario.temperature_c = options.temperature_c;
            settings.host_header = url.host_header;
            settings.target = url.path + "/" + id;
            settings.start_delay = std::chrono::duration_cast<std::chrono::microseconds>(
                plan.started + connect_delay(options, i) - std::chrono::steady_clock::now());
            settings.call_timeout = std::chrono::milliseconds(options.call_timeout_ms);
            settings.hold = std::chrono::milliseconds(static_cast<std::int64_t>(options.hold_seconds * 1000.0));
            settings.authorization = std::move(authorization);
            settings.sources = sources.get();
            chargers.push_back(make_charger(ioc, endpoints, tls, std::move(settings), log, clock, on_done));
            continue;
        }
        LoadSettings settings;
        settings.storm = mode == Mode::storm;
        settings.number = i;
        settings.charge_point_id = id;
        settings.id_tag = options.id_tag.value_or(default_id_tag(i));
        settings.host_header = url.host_header;
        settings.target = url.path + "/" + id;
        settings.authorization = std::move(authorization);
        settings.connect_at = plan.started + connect_delay(options, i);
        settings.call_timeout = std::chrono::milliseconds(options.call_timeout_ms);
        settings.tls_resume = options.tls_resume;
        settings.sources = sources.get();
        settings.load_start = plan.load_start;
        settings.load_end = plan.load_end;
        settings.heartbeat_interval = seconds_to_duration(options.heartbeat_interval);
        settings.meter_interval = seconds_to_duration(options.meter_interval);
        settings.durability = durability.get();
        settings.closed_loop = options.closed_loop;
        settings.mix = mix;
        settings.retry = retry_kind(*parse_retry_policy(options.retry), i);
        settings.storm_deadline = plan.started + seconds_to_duration(options.storm_timeout);
        settings.hold = std::chrono::milliseconds(static_cast<std::int64_t>(options.hold_seconds * 1000.0));
        chargers.push_back(make_load_charger(ioc, endpoints, tls, std::move(settings), log, clock, on_done));
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

    RunTotals totals;
    std::mutex totals_mutex;
    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(options.threads));
    for (int t = 0; t < options.threads; ++t) {
        threads.emplace_back([&] {
            ioc.run();
            // Each thread's histograms, once it can record no more.
            std::lock_guard lock(totals_mutex);
            totals.add(thread_recorders());
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    for (const auto& charger : chargers) {
        totals.add(charger->stats());
    }
    if (durability) {
        durability->flush();
    }
    return totals;
}

} // namespace csms::sim
