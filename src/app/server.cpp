#include "app/server.hpp"

#include "app/server_parts.hpp"
#include "base/guarded_run.hpp"
#include "base/thread_name.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

namespace csms::app {
namespace {

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

// Every session stops reading, what it sent commits and its answers leave
// ahead of the close frame (1001); peers that ignore the close are dropped.
void close_sessions(Server::Parts& p)
{
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
}

// A stage that is running: start() has done its part, and shutdown() will
// call stop once every stage started after it has stopped.
void started(Server::Parts& p, std::string_view name, std::function<void()> stop)
{
    p.stages.push_back({name, std::move(stop)});
}

void start_engine(Server::Parts& p, std::string_view name, auto* engine)
{
    if (engine != nullptr) {
        engine->start();
        started(p, name, [engine] { engine->stop(); }); // what it submitted is the writer's now
    }
}

} // namespace

std::vector<net::WsListener*> Server::Parts::listeners() const
{
    std::vector<net::WsListener*> out{ws_listener.get()};
    if (wss_listener) {
        out.push_back(wss_listener.get());
    }
    return out;
}

std::size_t Server::Parts::session_count() const
{
    std::size_t n = 0;
    for (auto* l : listeners()) {
        n += l->session_count();
    }
    return n;
}

Server::Server(Settings settings) : parts_(std::make_unique<Parts>(std::move(settings))) {}

Server::~Server()
{
    shutdown();
}

// The one start order; shutdown() is its reverse. Stopping a stage may rely
// on every stage started before it still running: engines submit to the
// writer until they stop, sessions answer through the I/O threads until
// they are closed, and the listeners stop accepting before anything else.
void Server::start()
{
    auto& p = *parts_;
    const auto& s = p.settings;
    build_store(p);
    build_engines(p);
    build_chargers(p);
    build_partners(p);
    build_admin(p);
    // Installed before the ready line can be printed, so a SIGTERM sent as
    // soon as it appears already means a graceful stop.
    p.signals = std::make_unique<boost::asio::signal_set>(p.ioc, SIGINT, SIGTERM);
    p.signals->async_wait([&p](const boost::system::error_code& ec, int signal) {
        if (!ec) {
            p.signalled.set_value(signal);
        }
    });

    started(p, "writer", [&p] { p.writer->stop(); }); // its thread runs from construction
    p.ioc_work.emplace(p.ioc.get_executor());
    const unsigned io_threads = s.threads != 0 ? s.threads : std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < io_threads; ++i) {
        p.io_threads.emplace_back([&p] {
            base::name_this_thread("chargers io");
            base::run_guarded(p.ioc, "an I/O handler");
        });
    }
    started(p, "chargers' I/O threads", [&p] {
        p.ioc_work.reset();
        p.ioc.stop();
        for (auto& t : p.io_threads) {
            t.join();
        }
        p.io_threads.clear();
    });
    start_engine(p, "rule engine", p.rule_engine.get());
    start_engine(p, "notifications", p.notifier.get());
    start_engine(p, "statistics", p.statistics.get());
    start_engine(p, "billing", p.billing.get());
    start_engine(p, "partner links", p.uplinks.get()); // what a partner has not answered stays in its outbox
    p.admin_thread = std::thread([&p] {
        base::name_this_thread("admin api");
        auto keep_running = boost::asio::make_work_guard(p.admin_ioc); // until its stage stops
        base::run_guarded(p.admin_ioc, "the admin API");
    });
    // Admin calls still waiting (e.g. for a charger's answer) were answered
    // when the sessions closed; their audit rows went through the writer.
    started(p, "admin API thread", [&p] {
        p.admin_ioc.stop();
        p.admin_thread.join();
    });
    started(p, "charger sessions", [&p] { close_sessions(p); });
    p.admin_server->start();
    started(p, "admin API listener", [&p] { p.admin_server->stop(); });
    // Running since it was built; stopping it lets the running checks finish
    // and drops the queued ones (their upgrades close with ioc). Later
    // attempts get 503.
    started(p, "password checks", [&p] { p.password_checks->stop(); });
    for (auto* listener : p.listeners()) {
        listener->start();
    }
    started(p, "charger listeners", [&p] {
        for (auto* listener : p.listeners()) {
            listener->stop_accepting();
        }
    });
    spdlog::info("csmsd {} serving with {} threads ({} for password checks), database {}, {}", CSMS_VERSION, io_threads,
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
    if (p.stages.empty()) {
        return;
    }
    while (!p.stages.empty()) {
        auto stage = std::move(p.stages.back());
        p.stages.pop_back();
        spdlog::debug("stopping: {}", stage.name);
        stage.stop();
    }
    spdlog::info("csmsd stopped");
}

} // namespace csms::app
