#pragma once
// What csmsd owns, for server.cpp (the start order) and server_build.cpp
// (the builders) only. Members are declared in dependency order, so that
// destruction, after shutdown() has stopped every thread, runs users before
// what they use.
//
// Threads (docs/decisions/0019-message-path-and-threads.md):
//   chargers io      settings.threads (default: the cores). Owns `ioc`: the
//                    listeners, TLS, WebSocket frames, OCPP validation and
//                    every charger's handlers (one strand per session).
//   writer           The only write connection to SQLite; group commit.
//   checkpointer     Its own connection; copies the WAL back (store/).
//   password checks  One or two: the first PBKDF2 check of a charger's key.
//   admin api        Owns `admin_ioc` and the admin reader connection.
//   rule engine, notify routing, notify sending, statistics, billing:
//                    each a polling thread with its own reader connection,
//                    writing only through the writer.
//   partner links    The uplinks' own io_context and reader connection.
//   main             start(), then waits for a signal and runs shutdown().
#include "admin/api.hpp"
#include "admin/http_server.hpp"
#include "app/server.hpp"
#include "base/clock.hpp"
#include "base/metrics.hpp"
#include "base/time_zone.hpp"
#include "base/worker_pool.hpp"
#include "billing/engine.hpp"
#include "csms/boot_configuration.hpp"
#include "csms/certificate_signer.hpp"
#include "csms/charger_authorizer.hpp"
#include "csms/charger_service.hpp"
#include "csms/command_service.hpp"
#include "csms/last_seen.hpp"
#include "net/ws_listener.hpp"
#include "notify/dispatcher.hpp"
#include "ocpp/schema_registry.hpp"
#include "proxy/delegation.hpp"
#include "proxy/migration.hpp"
#include "proxy/outbox.hpp"
#include "proxy/partner_file.hpp"
#include "proxy/uplink.hpp"
#include "rules/engine.hpp"
#include "stats/engine.hpp"
#include "store/database.hpp"
#include "store/writer.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace csms::app {

struct Server::Parts {
    explicit Parts(Settings s) : settings(std::move(s)) {}

    Settings settings;
    // This process's mark on its partner links: a partners file whose url
    // points back at csmsd itself is refused (508), not taken for a charger.
    std::string own_origin;
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
    std::unique_ptr<LastSeen> last_seen; // the writer's tick: destroyed before it
    std::mutex health_mutex;
    std::unique_ptr<store::Database> health_db;
    std::unique_ptr<store::Database> admin_reader;

    // Each null when its file or section is absent; all submit to the writer.
    std::unique_ptr<rules::Engine> rule_engine;
    std::unique_ptr<notify::Dispatcher> notifier;
    std::optional<base::TimeZone> site_zone; // [statistics] time_zone, for every charger until sites exist
    std::unique_ptr<stats::Engine> statistics;
    std::unique_ptr<billing::Engine> billing;

    ChargerRegistry registry;
    std::unique_ptr<CommandService> commands;
    std::unique_ptr<CertificateSigner> signer; // null: CSRs wait for an external CA
    std::unique_ptr<Services> services;
    std::unique_ptr<ChargerService> charger_service;
    std::unique_ptr<ChargerAuthorizer> authorizer; // outlives the listeners that call it
    // The authorizer's first password checks. Declared after it and after
    // ioc, so it is stopped before either goes: a queued check holds the
    // authorizer and, through its decide(), an upgrade on ioc.
    std::unique_ptr<base::WorkerPool> password_checks;
    std::shared_ptr<net::TlsContext> tls;
    std::unique_ptr<net::WsListener> ws_listener;
    std::unique_ptr<net::WsListener> wss_listener;         // null when --tls-listen is off
    std::unique_ptr<BootConfiguration> boot_configuration; // null unless [statistics] configure_chargers

    // Null without a [proxy] partners file; the uplinks submit to the writer
    // and send through commands.
    std::unique_ptr<proxy::Partners> partners;
    std::unique_ptr<proxy::Uplinks> uplinks;
    std::unique_ptr<proxy::Outbox> outbox;
    std::unique_ptr<proxy::Delegation> delegation;
    std::unique_ptr<proxy::Migration> migration;
    std::function<void()> reload_partners; // empty without partners

    std::shared_ptr<net::TlsContext> admin_tls; // null: the admin API is plain HTTP
    std::unique_ptr<admin::Api> api;
    std::unique_ptr<admin::HttpServer> admin_server;

    std::unique_ptr<boost::asio::signal_set> reload_signal;
    std::unique_ptr<boost::asio::signal_set> signals;
    std::promise<int> signalled;

    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> ioc_work;
    std::vector<std::thread> io_threads;
    std::thread admin_thread;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

    // What start() started, in order; shutdown() stops it in reverse.
    struct Stage {
        std::string_view name;
        std::function<void()> stop;
    };
    std::vector<Stage> stages;

    // Both listeners, for start and shutdown.
    std::vector<net::WsListener*> listeners() const;
    std::size_t session_count() const;
};

// The builders, in the order start() calls them. Each creates parts and
// wires them to those built before; none starts a thread or a listener.
void build_store(Server::Parts& p);
void build_engines(Server::Parts& p);
void build_chargers(Server::Parts& p);
void build_partners(Server::Parts& p);
void build_admin(Server::Parts& p);

} // namespace csms::app
