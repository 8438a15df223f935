#pragma once
// The statistics engine: follows what the core has committed (meter_values,
// status_history and transactions, by id cursors; stopped sessions by their
// received time) on its own thread with its own read-only connection. Every
// (charger, connector, quarter) a new row touches is recomputed from the
// source rows and written through the writer, with the day it rolls up into
// and the cursors, in one job: the cursors never run ahead of the rows they
// produced. When a quarter ends on the clock, every known connector's
// quarter is computed again, so a connector that charges without sending
// anything still accumulates charging time. Definitions: docs/statistics.md.
// Nothing here runs on a charger's strand.
#include "base/clock.hpp"
#include "base/polling_thread.hpp"
#include "base/time_zone.hpp"
#include "store/database.hpp"
#include "store/writer.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>

namespace csms::stats {

class Engine {
public:
    struct Options {
        std::chrono::milliseconds poll_interval{1000};
        int max_rows_per_poll = 5000; // of samples, whole sample_messages (each one meterValue)
        // One new row recomputes at most this much time (e.g. a status that
        // held for weeks before its successor arrived).
        std::chrono::hours longest_range{24 * 7};
        // Touched quarters are gathered this long before they are recomputed
        // and written in one job: a charger sampling every few seconds then
        // costs the writer one quarter row per interval, not one per sample.
        std::chrono::seconds submit_every{0};
    };
    // The site time zone of a charger; one zone for all until chargers carry
    // their own site.
    using ZoneOf = std::function<const base::TimeZone&(const std::string& charger_id)>;

    // Opens db_path read-only; the writer must have migrated it.
    Engine(const std::string& db_path, ZoneOf zone_of, store::Writer& writer, const base::Clock& clock,
           Options options);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    void start();
    // Idempotent; waits for the thread.
    void stop();

    // One pass: follows the rows committed since the last one, closes the
    // quarters the clock has ended, submits the recomputed quarters. Returns
    // true when a source had more rows than max_rows_per_poll. For tests, or
    // without start(); the result is committed once the writer has flushed.
    bool poll_once();

private:
    using Touched = std::set<std::tuple<std::string, int, base::SysTime>>; // charger, connector, quarter start

    void touch(Touched& touched, const std::string& charger_id, int connector_id, base::SysTime from, base::SysTime to);
    bool follow_samples(Touched& touched);
    bool follow_statuses(Touched& touched);
    void touch_energy(Touched& touched, const std::string& charger_id, int connector_id, base::SysTime at);
    bool follow_sessions(Touched& touched);
    void follow_stops(Touched& touched);
    bool close_quarters(Touched& touched);
    void submit(const Touched& touched);

    store::Database db_;
    ZoneOf zone_of_;
    store::Writer& writer_;
    const base::Clock& clock_;
    Options options_;
    std::int64_t sample_cursor_ = 0;
    // Each connector's latest energy register time this engine has read.
    std::map<std::pair<std::string, int>, std::optional<base::SysTime>> last_energy_;
    std::int64_t status_cursor_ = 0;
    std::int64_t session_cursor_ = 0;
    std::string stop_cursor_;                   // newest stop_received_at seen
    std::map<std::int64_t, std::string> stops_; // stops seen near stop_cursor_, by transaction id
    base::SysTime closed_until_{};              // quarters ending by then were closed on the clock
    base::SysTime next_close_{};                // no connector's quarter ends before then
    Touched pending_;                           // touched since the last submit
    bool pending_close_ = false;                // the clock closed quarters since the last submit
    std::optional<base::SysTime> last_submit_;

    base::PollingThread poller_; // last: stops before the rest goes
};

} // namespace csms::stats
