#pragma once
// The rule engine (decision 0011): follows what the core has committed —
// meter_values and status_history, after a cursor — on its own thread with
// its own read-only connection, feeds each rule's condition to a
// ConditionTracker per (rule, charger, connector), and opens or clears
// alerts through the writer. Nothing here runs on a charger's strand, so a
// slow rule never delays a CALLRESULT.
//
// This first engine evaluates threshold, range and faulted rules; the other
// kinds are parsed (rule_file.hpp) and ignored here until their evaluators
// exist. Cursors start at the newest rows when the engine starts, and alerts
// already active in the store are restored, so a restart neither re-raises
// them nor forgets to clear them.
#include "base/clock.hpp"
#include "rules/condition_tracker.hpp"
#include "rules/rule.hpp"
#include "store/database.hpp"
#include "store/writer.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <tuple>

namespace csms::rules {

class Engine {
public:
    struct Options {
        std::chrono::milliseconds poll_interval{250};
        int max_rows_per_poll = 5000;
    };

    // Opens db_path read-only; the writer must have migrated it.
    Engine(const std::string& db_path, RuleSet rules, store::Writer& writer, const base::Clock& clock, Options options);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    void start();
    // Idempotent; waits for the thread.
    void stop();

    // One pass over the rows committed since the last one; what the thread
    // does every poll_interval. Returns true when it stopped at
    // max_rows_per_poll with more waiting. For tests, or without start().
    bool poll_once();

private:
    using TrackerKey = std::tuple<std::string, std::string, int>; // rule, charger, connector

    ConditionTracker& tracker(const Rule& rule, const std::string& charger_id, int connector_id);
    void apply(const Rule& rule, const std::string& charger_id, int connector_id, bool condition, base::SysTime at,
               const std::string& detail);
    // Each returns true when it read max_rows_per_poll rows.
    bool follow_samples();
    bool follow_statuses();
    void restore_active_alerts();
    void run();

    store::Database db_;
    RuleSet rules_;
    store::Writer& writer_;
    const base::Clock& clock_;
    Options options_;
    std::int64_t sample_cursor_ = 0;
    std::int64_t status_cursor_ = 0;
    std::map<TrackerKey, ConditionTracker> trackers_;

    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace csms::rules
