#include "app/server.hpp"

#include "admin/api.hpp"
#include "admin/http_server.hpp"
#include "admin/status_routes.hpp"
#include "base/clock.hpp"
#include "base/guarded_run.hpp"
#include "base/metrics.hpp"
#include "base/thread_name.hpp"
#include "base/worker_pool.hpp"
#include "billing/engine.hpp"
#include "csms/boot_configuration.hpp"
#include "csms/certificate_signer.hpp"
#include "csms/charger_authorizer.hpp"
#include "csms/charger_service.hpp"
#include "csms/command_service.hpp"
#include "csms/last_seen.hpp"
#include "net/ws_listener.hpp"
#include "notify/config_file.hpp"
#include "notify/dispatcher.hpp"
#include "ocpp/schema_registry.hpp"
#include "proxy/delegation.hpp"
#include "proxy/migration.hpp"
#include "proxy/outbox.hpp"
#include "proxy/partner_file.hpp"
#include "proxy/uplink.hpp"
#include "rules/engine.hpp"
#include "rules/rule_file.hpp"
#include "stats/engine.hpp"
#include "store/credentials_store.hpp"
#include "store/database.hpp"
#include "store/writer.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <future>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#ifndef CSMS_DEFAULT_SCHEMA_DIR
#define CSMS_DEFAULT_SCHEMA_DIR "schemas"
#endif

namespace csms::app {
namespace {

Policy policy_from(const Settings& s)
{
    Policy p = s.dev ? Policy::development() : Policy{};
    if (!s.dev) {
        p.unknown_chargers = s.unknown_chargers == "accept"    ? store::Registration::accepted
                             : s.unknown_chargers == "pending" ? store::Registration::pending
                                                               : store::Registration::rejected;
        p.accept_unknown_id_tags = s.accept_unknown_id_tags;
    }
    p.heartbeat_interval = s.heartbeat_interval;
    p.boot_retry_interval = s.boot_retry_interval;
    return p;
}

// The first check of a charger's AuthorizationKey (PBKDF2, 20-40 ms) runs on
// its own few threads, never on the I/O threads (decision 0018): half the
// cores, one or two, so a storm of first checks leaves the I/O threads the
// CPU they need for the chargers already connected. Checks beyond the queue
// are answered 503 (retry later): 4096 of them are minutes of hashing
// already, longer than any charger waits for its upgrade.
constexpr std::size_t max_password_check_threads = 2;
constexpr std::size_t max_queued_password_checks = 4096;

std::size_t password_check_threads()
{
    return std::clamp<std::size_t>(std::thread::hardware_concurrency() / 2, 1, max_password_check_threads);
}

// Waits for cond with a deadline; shutdown only, never on the message path.
template <class Cond> bool wait_for(Cond cond, std::chrono::milliseconds limit)
{
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!cond()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

} // namespace

struct Server::Parts {
    explicit Parts(Settings s) : settings(std::move(s)) {}

    Settings settings;
    base::SystemClock clock;
    base::Metrics metrics;
    // The admin API has its own io_context and thread: an operator's query
    // never takes a charger's I/O thread, and its reader connection is used
    // on that thread only. Declared before ioc so it outlives it: a charger
    // strand's pending handler may hold an admin session's answer.
    boost::asio::io_context admin_ioc;
    boost::asio::io_context ioc;
    std::unique_ptr<ocpp::SchemaRegistry> schemas;
    std::unique_ptr<store::Writer> writer;
    std::unique_ptr<LastSeen> last_seen;        // the writer's tick: destroyed before it
    std::unique_ptr<rules::Engine> rule_engine; // null without [rules] file; submits to the writer

    // Null without a [notifications] file; submits to the writer.
    std::unique_ptr<notify::Dispatcher> notifier;
    std::optional<base::TimeZone> site_zone;   // [statistics] time_zone, for every charger until sites exist
    std::unique_ptr<stats::Engine> statistics; // null with [statistics] enabled = false; submits to the writer
    std::unique_ptr<billing::Engine> billing;  // null without [billing] tariffs; submits to the writer
    ChargerRegistry registry;
    std::unique_ptr<Services> services;
    std::unique_ptr<ChargerService> charger_service;
    std::unique_ptr<ChargerAuthorizer> authorizer; // outlives the listeners that call it
    // The authorizer's first password checks. Declared after it and after
    // ioc, so it is stopped before either goes: a queued check holds the
    // authorizer and, through its decide(), an upgrade on ioc.
    std::unique_ptr<base::WorkerPool> password_checks;
    std::unique_ptr<CertificateSigner> signer; // null: CSRs wait for an external CA
    std::unique_ptr<net::WsListener> ws_listener;
    std::unique_ptr<net::WsListener> wss_listener; // null when --tls-listen is off
    std::shared_ptr<net::TlsContext> tls;
    std::shared_ptr<net::TlsContext> admin_tls; // null: the admin API is plain HTTP
    std::unique_ptr<boost::asio::signal_set> reload_signal;

    // Both listeners, for start and shutdown.
    std::vector<net::WsListener*> listeners() const
    {
        std::vector<net::WsListener*> out{ws_listener.get()};
        if (wss_listener) {
            out.push_back(wss_listener.get());
        }
        return out;
    }
    std::size_t session_count() const
    {
        std::size_t n = 0;
        for (auto* l : listeners()) {
            n += l->session_count();
        }
        return n;
    }
    void watch_reload_signal()
    {
        reload_signal->async_wait([this](const boost::system::error_code& ec, int) {
            if (ec) {
                return;
            }
            if (tls) {
                spdlog::info("SIGHUP: reloading the TLS certificate");
                tls->reload();
            }
            if (admin_tls) {
                spdlog::info("SIGHUP: reloading the admin API's TLS certificate");
                admin_tls->reload();
            }
            if (!tls && !admin_tls) {
                spdlog::info("SIGHUP: no TLS listener, nothing to reload");
            }
            watch_reload_signal();
        });
    }
    std::thread admin_thread;
    std::unique_ptr<store::Database> admin_reader;
    std::unique_ptr<CommandService> commands;
    std::unique_ptr<BootConfiguration> boot_configuration; // null unless [statistics] configure_chargers
    // Null without a [proxy] partners file; the uplinks submit to the writer
    // and send through commands.
    std::unique_ptr<proxy::Partners> partners;
    std::unique_ptr<proxy::Uplinks> uplinks;
    std::unique_ptr<proxy::Outbox> outbox;
    std::unique_ptr<proxy::Delegation> delegation;
    std::unique_ptr<proxy::Migration> migration;
    std::unique_ptr<admin::Api> api;
    std::unique_ptr<admin::HttpServer> admin_server;
    std::mutex health_mutex;
    std::unique_ptr<store::Database> health_db;
    std::unique_ptr<boost::asio::signal_set> signals;
    std::promise<int> signalled;
    std::vector<std::thread> threads;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    bool stopped = false;
};

Server::Server(Settings settings) : parts_(std::make_unique<Parts>(std::move(settings))) {}

Server::~Server()
{
    shutdown();
}

void Server::start()
{
    auto& p = *parts_;
    const auto& s = p.settings;
    p.schemas = std::make_unique<ocpp::SchemaRegistry>(s.schemas_dir.empty() ? CSMS_DEFAULT_SCHEMA_DIR : s.schemas_dir);
    if (auto parent = std::filesystem::path(s.db_path).parent_path(); !parent.empty()) {
        std::filesystem::create_directories(parent);
    }
    p.writer = std::make_unique<store::Writer>(s.db_path, store::Writer::Options{.max_batch = s.max_batch}, p.metrics);
    p.last_seen = std::make_unique<LastSeen>(*p.writer);
    if (!s.rules_file.empty()) {
        // A bad rules file stops csmsd here with its file:line reason.
        auto rule_set = rules::load_rule_file(s.rules_file);
        spdlog::info("rule engine: {} rules from {}", rule_set.rules.size(), s.rules_file);
        p.rule_engine = std::make_unique<rules::Engine>(
            s.db_path, std::move(rule_set), *p.writer, p.clock,
            rules::Engine::Options{.heartbeat_interval = s.heartbeat_interval, .metrics = &p.metrics});
    }
    if (!s.notifications_file.empty()) {
        // A bad notifications file stops csmsd here with its file:line reason.
        auto config =
            std::make_shared<const notify::NotificationConfig>(notify::load_notification_file(s.notifications_file));
        spdlog::info("notifications: {} channels, {} routes from {}", config->channels.size(), config->routes.size(),
                     s.notifications_file);
        p.notifier = std::make_unique<notify::Dispatcher>(s.db_path, std::move(config), *p.writer, p.clock,
                                                          notify::Dispatcher::Options{.metrics = &p.metrics});
    }
    if (s.statistics) {
        p.site_zone = base::TimeZone::load(s.statistics_time_zone); // an unknown zone stops csmsd here
        p.statistics = std::make_unique<stats::Engine>(
            s.db_path, [&p](const std::string&) -> const base::TimeZone& { return *p.site_zone; }, *p.writer, p.clock,
            stats::Engine::Options{.submit_every = std::chrono::seconds(10)});
    }
    if (!s.tariffs_file.empty()) {
        // A bad tariffs file stops csmsd here with its file:line reason.
        auto book = std::make_shared<const billing::TariffBook>(billing::load_tariff_file(s.tariffs_file));
        spdlog::info("billing: {} tariffs, {} assignments from {}", book->tariffs.size(), book->assignments.size(),
                     s.tariffs_file);
        p.billing = std::make_unique<billing::Engine>(
            s.db_path, std::move(book), *p.writer, p.clock,
            billing::Engine::Options{.idle_wait = std::chrono::minutes(s.idle_wait_minutes), .metrics = &p.metrics});
    }
    p.health_db = std::make_unique<store::Database>(s.db_path, true);
    if (!s.signing_ca_cert.empty()) {
        p.signer = std::make_unique<CertificateSigner>(s.signing_ca_cert, s.signing_ca_key,
                                                       std::chrono::days{s.certificate_validity_days});
    }
    p.services = std::make_unique<Services>(
        Services{*p.writer, p.clock, policy_from(s), p.registry, *p.last_seen, p.signer.get()});
    ocpp::EndpointOptions endpoint_options{s.max_pending_calls, s.call_timeout};
    p.charger_service = std::make_unique<ChargerService>(*p.schemas, p.metrics, endpoint_options, *p.services);

    net::ListenerOptions listener_options;
    listener_options.handshake_timeout = s.handshake_timeout;
    listener_options.idle_timeout = s.idle_timeout;
    listener_options.max_frame_bytes = s.max_frame_bytes;
    listener_options.max_connections = s.max_connections; // one count for ws and wss: they share these options
    // This process's mark on its partner links: a partners file whose url
    // points back at csmsd itself is refused (508), not taken for a charger.
    std::random_device random;
    listener_options.own_origin = fmt::format("{:08x}{:08x}", random(), random());
    p.password_checks =
        std::make_unique<base::WorkerPool>("password checks", password_check_threads(), max_queued_password_checks);
    p.authorizer = std::make_unique<ChargerAuthorizer>(
        s.db_path, SecurityPolicy{s.allow_profile_0, s.max_auth_failures, s.auth_failure_window}, p.clock,
        [&p](store::SecurityEventRecord event) {
            p.writer->submit(
                [event = std::move(event)](store::Database& db) { store::record_security_event(db, event); },
                [](bool) {});
        },
        p.password_checks.get());
    p.ws_listener = std::make_unique<net::WsListener>(p.ioc, "ws", s.listen.host, s.listen.port, listener_options,
                                                      p.charger_service->sink_factory(), p.metrics,
                                                      p.authorizer->as_net_authorizer());
    if (s.tls_listen) {
        p.tls = std::make_shared<net::TlsContext>(net::TlsFiles{s.cert_file, s.key_file, s.ca_file, s.crl_file});
        p.wss_listener = std::make_unique<net::WsListener>(p.ioc, "wss", s.tls_listen->host, s.tls_listen->port,
                                                           listener_options, p.charger_service->sink_factory(),
                                                           p.metrics, p.authorizer->as_net_authorizer(), p.tls);
    }
    // SIGHUP swaps in a renewed certificate; connected chargers stay. Without
    // a wss listener it is acknowledged and ignored, never fatal.
    p.reload_signal = std::make_unique<boost::asio::signal_set>(p.ioc, SIGHUP);
    p.watch_reload_signal();

    admin::StatusSources sources{p.metrics, p.registry,
                                 [&p] {
                                     std::lock_guard lock(p.health_mutex);
                                     try {
                                         p.health_db->exec("SELECT 1 FROM sqlite_master LIMIT 1");
                                         return true;
                                     } catch (const std::exception&) {
                                         return false;
                                     }
                                 },
                                 p.started};
    p.admin_reader = std::make_unique<store::Database>(s.db_path, true);
    p.commands = std::make_unique<CommandService>(p.registry);
    std::function<void()> reload_partners;
    if (!s.partners_file.empty()) {
        // A bad partners file stops csmsd here with its file:line reason;
        // set before the listeners start, so no CALL misses its copy.
        p.partners = std::make_unique<proxy::Partners>(
            std::make_shared<const proxy::PartnerSet>(proxy::load_partner_file(s.partners_file)));
        spdlog::info("proxy: {} partners from {}", p.partners->current().partners.size(), s.partners_file);
        p.uplinks = std::make_unique<proxy::Uplinks>(*p.partners, s.db_path, *p.writer, *p.commands, p.clock, p.metrics,
                                                     proxy::Uplinks::Options{.origin = listener_options.own_origin});
        // All three stay in place for a reload, whatever the file holds now:
        // each costs a prefix or map lookup when no partner uses it.
        p.outbox = std::make_unique<proxy::Outbox>(*p.partners, p.clock, p.uplinks->waker());
        p.services->partner_copy = p.outbox.get();
        p.delegation = std::make_unique<proxy::Delegation>(
            *p.partners, [uplinks = p.uplinks.get()](const std::string& partner, const std::string& charger_id,
                                                     const std::string& id_tag, auto done) {
                uplinks->authorize(partner, charger_id, id_tag, std::move(done));
            });
        p.services->authorize_delegate = p.delegation.get();
        p.migration = std::make_unique<proxy::Migration>(
            p.partners->current(),
            [uplinks = p.uplinks.get()](const std::string& primary, const std::string& charger_id,
                                        const std::string& action, std::string payload, auto done) {
                uplinks->relay(primary, charger_id, action, std::move(payload), std::move(done));
            });
        p.services->primary_relay = p.migration.get();
        // Checked whole before anything changes: a bad file, or TLS files
        // that cannot be loaded, leave the partners in force.
        reload_partners = [&p, file = s.partners_file] {
            auto next = std::make_shared<const proxy::PartnerSet>(proxy::load_partner_file(file));
            auto tls = proxy::Uplinks::load_tls(*next);
            spdlog::info("proxy: reloading {} partners from {}", next->partners.size(), file);
            p.partners->replace(next);
            p.migration->reload(*next);
            p.uplinks->reload(std::move(tls));
        };
    }
    using RulesSource = std::function<std::shared_ptr<const rules::RuleSet>()>;
    RulesSource current_rules, reload_rules;
    if (p.rule_engine) {
        current_rules = [&p] { return p.rule_engine->rules(); };
        // The notifications file (who hears of which alert) reloads with the
        // rules: both are checked before either changes.
        reload_rules = [&p, file = s.rules_file, notifications_file = s.notifications_file] {
            auto set = rules::load_rule_file(file); // throws on a bad file, before anything changes
            std::shared_ptr<const notify::NotificationConfig> routes;
            if (p.notifier) {
                routes = std::make_shared<const notify::NotificationConfig>(
                    notify::load_notification_file(notifications_file));
            }
            spdlog::info("rule engine: reloading {} rules from {}", set.rules.size(), file);
            p.rule_engine->replace_rules(std::move(set));
            if (routes) {
                spdlog::info("notifications: reloading {} channels, {} routes from {}", routes->channels.size(),
                             routes->routes.size(), notifications_file);
                p.notifier->set_config(std::move(routes));
            }
            return p.rule_engine->rules();
        };
    }
    using TariffsSource = std::function<std::shared_ptr<const billing::TariffBook>()>;
    TariffsSource current_tariffs, reload_tariffs;
    if (p.billing) {
        current_tariffs = [&p] { return p.billing->tariffs(); };
        reload_tariffs = [&p, file = s.tariffs_file] {
            auto book = std::make_shared<const billing::TariffBook>(billing::load_tariff_file(file)); // may throw
            spdlog::info("billing: reloading {} tariffs, {} assignments from {}", book->tariffs.size(),
                         book->assignments.size(), file);
            p.billing->set_tariffs(book);
            return book;
        };
    }
    if (s.configure_chargers) {
        // Set before the listeners start, so no charger boots without it.
        p.boot_configuration = std::make_unique<BootConfiguration>(*p.commands, *p.writer, p.clock);
        p.services->after_accepted_boot = [&p](const std::string& id) { p.boot_configuration->configure(id); };
    }
    p.api = std::make_unique<admin::Api>(
        admin::ApiContext{*p.writer, *p.admin_reader, p.clock, p.registry, *p.commands, *p.schemas,
                          [&p](std::function<void()> work) { boost::asio::post(p.admin_ioc, std::move(work)); },
                          [&p](std::chrono::milliseconds delay, std::function<void()> work) {
                              auto timer = std::make_shared<boost::asio::steady_timer>(p.admin_ioc, delay);
                              timer->async_wait([timer, work = std::move(work)](const boost::system::error_code& ec) {
                                  if (!ec) {
                                      work();
                                  }
                              });
                          },
                          std::move(current_rules), std::move(reload_rules), std::move(current_tariffs),
                          std::move(reload_tariffs), p.partners.get(), std::move(reload_partners),
                          [&p] { return p.uplinks ? p.uplinks->states() : std::vector<proxy::LinkState>{}; }},
        sources);
    if (!s.admin_cert_file.empty()) {
        p.admin_tls = std::make_shared<net::TlsContext>(net::TlsFiles{s.admin_cert_file, s.admin_key_file, "", ""});
    } else if (s.admin_listen.host != "127.0.0.1" && s.admin_listen.host != "::1" &&
               s.admin_listen.host != "localhost") {
        spdlog::warn("the admin API listens on {} in plain HTTP: bearer tokens cross the network in clear; set "
                     "[admin] cert and key",
                     s.admin_listen.to_string());
    }
    p.admin_server = std::make_unique<admin::HttpServer>(
        p.admin_ioc, s.admin_listen.host, s.admin_listen.port,
        [api = p.api.get()](admin::HttpRequest request, admin::Respond respond) {
            api->handle(std::move(request), std::move(respond));
        },
        p.admin_tls);

    // Installed before the ready line can be printed, so a SIGTERM sent as
    // soon as it appears already means a graceful stop.
    p.signals = std::make_unique<boost::asio::signal_set>(p.ioc, SIGINT, SIGTERM);
    p.signals->async_wait([&p](const boost::system::error_code& ec, int signal) {
        if (!ec) {
            p.signalled.set_value(signal);
        }
    });
    for (auto* listener : p.listeners()) {
        listener->start();
    }
    p.admin_server->start();
    if (p.rule_engine) {
        p.rule_engine->start();
    }
    if (p.notifier) {
        p.notifier->start();
    }
    if (p.statistics) {
        p.statistics->start();
    }
    if (p.billing) {
        p.billing->start();
    }
    if (p.uplinks) {
        p.uplinks->start();
    }
    p.admin_thread = std::thread([&p] {
        base::name_this_thread("admin api");
        auto keep_running = boost::asio::make_work_guard(p.admin_ioc); // until shutdown() stops it
        base::run_guarded(p.admin_ioc, "the admin API");
    });
    unsigned count = s.threads != 0 ? s.threads : std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < count; ++i) {
        p.threads.emplace_back([&p] {
            base::name_this_thread("chargers io");
            base::run_guarded(p.ioc, "an I/O handler");
        });
    }
    spdlog::info("csmsd {} serving with {} threads ({} for password checks), database {}, {}", CSMS_VERSION, count,
                 p.password_checks->threads(), s.db_path,
                 s.dev ? "development mode (unknown chargers and id tags accepted)" : "production policy");
}

std::string Server::ready_line() const
{
    const auto& p = *parts_;
    return "csmsd ready ws=" + p.ws_listener->local_endpoint() +
           " wss=" + (p.wss_listener ? p.wss_listener->local_endpoint() : "-") +
           " admin=" + p.admin_server->local_endpoint();
}

void Server::run_until_signal()
{
    int signal = parts_->signalled.get_future().get();
    spdlog::info("signal {} received, shutting down", signal);
    shutdown();
}

void Server::shutdown()
{
    auto& p = *parts_;
    if (p.stopped || p.threads.empty()) {
        return;
    }
    p.stopped = true;
    for (auto* listener : p.listeners()) {
        listener->stop_accepting();
    }
    // The checks running finish (their chargers may still get in and are
    // closed below like the others); the queued ones are dropped, their
    // upgrades closed when ioc stops. Later attempts get 503.
    p.password_checks->stop();
    p.admin_server->stop();
    // No new CALL reaches a handler from here on; every CALL already taken
    // commits, and its answer is queued on its session ahead of the close
    // frame, which leaves after the queued frames.
    for (auto* listener : p.listeners()) {
        listener->stop_reading_all(std::chrono::seconds(2));
    }
    p.writer->flush(); // also writes the coalesced last-seen times
    for (auto* listener : p.listeners()) {
        listener->close_all(1001, "server shutting down");
    }
    if (!wait_for([&p] { return p.session_count() == 0; }, std::chrono::seconds(5))) {
        spdlog::warn("{} sessions did not answer the close in time; dropping them", p.session_count());
        for (auto* listener : p.listeners()) {
            listener->abort_all();
        }
        wait_for([&p] { return p.session_count() == 0; }, std::chrono::seconds(1));
    }
    // Admin calls still waiting (e.g. for a charger's answer) were answered
    // when their sessions closed; their audit rows went through the writer.
    p.admin_ioc.stop();
    p.admin_thread.join();
    if (p.rule_engine) {
        p.rule_engine->stop(); // before the writer it submits to
    }
    if (p.notifier) {
        p.notifier->stop(); // likewise; a send in progress ends within its timeout
    }
    if (p.statistics) {
        p.statistics->stop(); // likewise
    }
    if (p.billing) {
        p.billing->stop(); // likewise
    }
    if (p.uplinks) {
        p.uplinks->stop(); // likewise; what a partner has not answered stays in its outbox
    }
    p.writer->stop();
    p.ioc.stop();
    for (auto& t : p.threads) {
        t.join();
    }
    p.threads.clear();
    spdlog::info("csmsd stopped");
}

} // namespace csms::app
