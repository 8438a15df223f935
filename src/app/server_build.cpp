// The builders of csmsd's parts (server_parts.hpp). Every file they read (rules,
// notifications, tariffs, partners, certificates) is checked here, so a bad
// one stops csmsd with its file:line reason before any charger is served.
#include "admin/status_routes.hpp"
#include "app/server_parts.hpp"
#include "notify/config_file.hpp"
#include "rules/rule_file.hpp"
#include "store/credentials_store.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <random>

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

void watch_reload_signal(Server::Parts& p)
{
    p.reload_signal->async_wait([&p](const boost::system::error_code& ec, int) {
        if (ec) {
            return;
        }
        if (p.tls) {
            spdlog::info("SIGHUP: reloading the TLS certificate");
            p.tls->reload();
        }
        if (p.admin_tls) {
            spdlog::info("SIGHUP: reloading the admin API's TLS certificate");
            p.admin_tls->reload();
        }
        if (!p.tls && !p.admin_tls) {
            spdlog::info("SIGHUP: no TLS listener, nothing to reload");
        }
        watch_reload_signal(p);
    });
}

} // namespace

void build_store(Server::Parts& p)
{
    const auto& s = p.settings;
    std::random_device random;
    p.own_origin = fmt::format("{:08x}{:08x}", random(), random());
    p.schemas = std::make_unique<ocpp::SchemaRegistry>(s.schemas_dir.empty() ? CSMS_DEFAULT_SCHEMA_DIR : s.schemas_dir);
    if (auto parent = std::filesystem::path(s.db_path).parent_path(); !parent.empty()) {
        std::filesystem::create_directories(parent);
    }
    p.writer = std::make_unique<store::Writer>(s.db_path, store::Writer::Options{.max_batch = s.max_batch}, p.metrics);
    p.last_seen = std::make_unique<LastSeen>(*p.writer);
    p.health_db = std::make_unique<store::Database>(s.db_path, true);
    p.admin_reader = std::make_unique<store::Database>(s.db_path, true);
}

void build_engines(Server::Parts& p)
{
    const auto& s = p.settings;
    if (!s.rules_file.empty()) {
        auto rule_set = rules::load_rule_file(s.rules_file);
        spdlog::info("rule engine: {} rules from {}", rule_set.rules.size(), s.rules_file);
        p.rule_engine = std::make_unique<rules::Engine>(
            s.db_path, std::move(rule_set), *p.writer, p.clock,
            rules::Engine::Options{.heartbeat_interval = s.heartbeat_interval, .metrics = &p.metrics});
    }
    if (!s.notifications_file.empty()) {
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
        auto book = std::make_shared<const billing::TariffBook>(billing::load_tariff_file(s.tariffs_file));
        spdlog::info("billing: {} tariffs, {} assignments from {}", book->tariffs.size(), book->assignments.size(),
                     s.tariffs_file);
        p.billing = std::make_unique<billing::Engine>(
            s.db_path, std::move(book), *p.writer, p.clock,
            billing::Engine::Options{.idle_wait = std::chrono::minutes(s.idle_wait_minutes), .metrics = &p.metrics});
    }
}

void build_chargers(Server::Parts& p)
{
    const auto& s = p.settings;
    p.commands = std::make_unique<CommandService>(p.registry);
    if (!s.signing_ca_cert.empty()) {
        p.signer = std::make_unique<CertificateSigner>(s.signing_ca_cert, s.signing_ca_key,
                                                       std::chrono::days{s.certificate_validity_days});
    }
    p.services = std::make_unique<Services>(
        Services{*p.writer, p.clock, policy_from(s), p.registry, *p.last_seen, p.signer.get()});
    if (s.configure_chargers) {
        p.boot_configuration = std::make_unique<BootConfiguration>(*p.commands, *p.writer, p.clock);
        p.services->after_accepted_boot = [&p](const std::string& id) { p.boot_configuration->configure(id); };
    }
    ocpp::EndpointOptions endpoint_options{s.max_pending_calls, s.call_timeout};
    p.charger_service = std::make_unique<ChargerService>(*p.schemas, p.metrics, endpoint_options, *p.services);

    net::ListenerOptions listener_options;
    listener_options.handshake_timeout = s.handshake_timeout;
    listener_options.idle_timeout = s.idle_timeout;
    listener_options.max_frame_bytes = s.max_frame_bytes;
    listener_options.max_connections = s.max_connections; // one count for ws and wss: they share these options
    listener_options.own_origin = p.own_origin;
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
    watch_reload_signal(p);
}

// Set before the listeners start, so no CALL misses its copy.
void build_partners(Server::Parts& p)
{
    const auto& s = p.settings;
    if (s.partners_file.empty()) {
        return;
    }
    p.partners = std::make_unique<proxy::Partners>(
        std::make_shared<const proxy::PartnerSet>(proxy::load_partner_file(s.partners_file)));
    spdlog::info("proxy: {} partners from {}", p.partners->current().partners.size(), s.partners_file);
    p.uplinks = std::make_unique<proxy::Uplinks>(*p.partners, s.db_path, *p.writer, *p.commands, p.clock, p.metrics,
                                                 proxy::Uplinks::Options{.origin = p.own_origin});
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
        p.partners->current(), [uplinks = p.uplinks.get()](const std::string& primary, const std::string& charger_id,
                                                           const std::string& action, std::string payload, auto done) {
            uplinks->relay(primary, charger_id, action, std::move(payload), std::move(done));
        });
    p.services->primary_relay = p.migration.get();
    // Checked whole before anything changes: a bad file, or TLS files that
    // cannot be loaded, leave the partners in force.
    p.reload_partners = [&p, file = s.partners_file] {
        auto next = std::make_shared<const proxy::PartnerSet>(proxy::load_partner_file(file));
        auto tls = proxy::Uplinks::load_tls(*next);
        spdlog::info("proxy: reloading {} partners from {}", next->partners.size(), file);
        p.partners->replace(next);
        p.migration->reload(*next);
        p.uplinks->reload(std::move(tls));
    };
}

void build_admin(Server::Parts& p)
{
    const auto& s = p.settings;
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
                          std::move(reload_tariffs), p.partners.get(), p.reload_partners,
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
}

} // namespace csms::app
