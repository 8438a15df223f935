#pragma once
// The billing engine: issues one immutable record per stopped session, on
// its own thread with its own read-only connection. It works through
// billing_queue, where a trigger puts every transaction in the same commit
// as its stop, so a stop that arrives late (an offline charger's) is billed
// when it arrives, and a restart resumes with what is still queued. A
// record and its alert (for a session that cannot be billed) are written
// with the session's removal from the queue, in one writer job: a session
// is billed exactly once.
//
// A session whose tariff has an idle fee waits until its car has left (the
// connector's statuses, or a later session) or until idle_wait has passed
// since its stop arrived; then idle time is counted only up to the stop.
#include "base/clock.hpp"
#include "base/metrics.hpp"
#include "base/polling_thread.hpp"
#include "billing/tariff_book.hpp"
#include "store/billing_store.hpp"
#include "store/database.hpp"
#include "store/writer.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

namespace csms::billing {

class Engine {
public:
    struct Options {
        std::chrono::milliseconds poll_interval{2000};
        int sessions_per_poll = 500;
        std::chrono::minutes idle_wait{120};
        // Where csms_billing_* series go; null: none.
        base::Metrics* metrics = nullptr;
    };

    // Opens db_path read-only; the writer must have migrated it.
    Engine(const std::string& db_path, std::shared_ptr<const TariffBook> tariffs, store::Writer& writer,
           const base::Clock& clock, Options options);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    void start();
    void stop(); // idempotent; waits for the pass in progress

    // Sessions still queued from now on are billed with these tariffs.
    void set_tariffs(std::shared_ptr<const TariffBook> tariffs);
    std::shared_ptr<const TariffBook> tariffs() const;

    // One pass; returns true when more queued sessions are waiting. Blocks
    // until the records it issued are committed. For tests, or without start().
    bool poll_once();

private:
    std::optional<store::NewBillingRecord> bill_if_ready(const store::QueuedSession& session, const TariffBook& book);

    store::Database db_;
    store::Writer& writer_;
    const base::Clock& clock_;
    Options options_;
    mutable std::mutex tariffs_mutex_;
    std::shared_ptr<const TariffBook> tariffs_;
    std::int64_t scan_after_ = 0;        // the queue is read in id order from here, wrapping to the start
    base::Gauge* queue_depth_ = nullptr; // null without Options::metrics, like the two below
    base::Counter* records_billed_ = nullptr;
    base::Counter* records_flagged_ = nullptr;

    base::PollingThread poller_; // last: stops before the rest goes
};

} // namespace csms::billing
