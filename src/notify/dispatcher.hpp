#pragma once
// The notification dispatcher (decision 0012). It follows the alert_events
// outbox after a stored cursor, routes each event to deliveries, sends the
// deliveries that are due and records each outcome, retrying with back-off.
// Two threads, each with its own read-only connection: the router (events ->
// deliveries, and the escalation scan on the clock) and the sender (the only
// one that waits on the network, each attempt bounded by its channel's
// timeout). Every write goes through the writer, and nothing here runs on a
// charger's strand or the writer thread, so a dead SMTP relay delays e-mail
// and nothing else.
//
// Delivery is at least once: a delivery is marked sent after the peer
// accepted it, so a crash in between sends it again after the restart.
//
// Thread-safety: set_config() and config() from any thread; the *_once()
// functions are what the threads run, for tests without start().
#include "base/clock.hpp"
#include "base/polling_thread.hpp"
#include "notify/config.hpp"
#include "notify/delivery_metrics.hpp"
#include "store/database.hpp"
#include "store/notification_store.hpp"
#include "store/operator_store.hpp"
#include "store/writer.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace csms::notify {

class Dispatcher {
public:
    struct Options {
        std::chrono::milliseconds poll_interval{250};
        int batch = 200;
        // Where csms_notification_* series go; null: none.
        base::Metrics* metrics = nullptr;
    };

    // Opens db_path read-only twice; the writer must have migrated it. The
    // first time (no stored cursor) it starts after the newest alert event:
    // older events are not notified.
    Dispatcher(const std::string& db_path, std::shared_ptr<const NotificationConfig> config, store::Writer& writer,
               const base::Clock& clock, Options options);
    ~Dispatcher();
    Dispatcher(const Dispatcher&) = delete;
    Dispatcher& operator=(const Dispatcher&) = delete;

    void start();
    // Idempotent; waits for both threads (a send in progress ends within its
    // channel's timeout).
    void stop();

    // Later events are routed, and pending deliveries sent, by this config.
    // A delivery whose channel is gone fails with that reason.
    void set_config(std::shared_ptr<const NotificationConfig> config);
    std::shared_ptr<const NotificationConfig> config() const;

    // Routes the events committed since the last call; true when it stopped
    // at the batch size with more waiting.
    bool route_once();
    // Adds an 'escalated' event for every open alert past a route's
    // escalate_after_s (once per alert and route).
    void escalate_once();
    // Attempts the due deliveries; returns how many were attempted.
    int send_once();

private:
    // Runs work on the writer and waits for its commit; false if it failed.
    bool commit(std::function<void(store::Database&)> work);
    std::vector<store::NewDelivery> plan(const NotificationConfig& config, const std::vector<store::Operator>& people,
                                         const store::AlertEvent& event, base::SysTime now) const;

    store::Database router_db_;
    store::Database sender_db_;
    store::Writer& writer_;
    const base::Clock& clock_;
    Options options_;
    DeliveryMetrics metrics_;
    std::int64_t cursor_ = 0;

    mutable std::mutex config_mutex_;
    std::shared_ptr<const NotificationConfig> config_;

    // Last: they stop before the rest goes.
    base::PollingThread router_;
    base::PollingThread sender_;
};

} // namespace csms::notify
