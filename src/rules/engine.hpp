#pragma once
// The rule engine (decision 0011): follows what the core has committed —
// meter_values, status_history, connection_events and security_events, after
// stored cursors — on its own thread with its own read-only connection,
// feeds each rule's condition to a ConditionTracker per (rule, charger,
// connector), and opens or clears alerts through the writer. Silence rules
// (offline, stuck_transaction) and windows (flapping, security_event,
// degraded) are evaluated on the engine's clock every scan_interval. Nothing
// here runs on a charger's strand, so a slow rule never delays a CALLRESULT.
//
// The cursors are stored (rule_engine_cursors) after the alert writes of the
// rows they cover, so a restart resumes where the engine stopped; on a
// database it has never read, it starts at the newest rows. Alerts active in
// the store are restored, so a restart neither re-raises them nor forgets to
// clear them.
#include "base/clock.hpp"
#include "base/metrics.hpp"
#include "base/polling_thread.hpp"
#include "rules/condition_tracker.hpp"
#include "rules/conditions.hpp"
#include "rules/rule.hpp"
#include "store/database.hpp"
#include "store/writer.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace csms::rules {

class Engine {
public:
    struct Options {
        std::chrono::milliseconds poll_interval{250};
        int max_rows_per_poll = 5000; // of samples, whole sample_messages (each one meterValue)
        // How often the clock-driven rules are evaluated.
        std::chrono::seconds scan_interval{2};
        // What csmsd tells chargers in BootNotification (offline rules).
        std::chrono::seconds heartbeat_interval{300};
        // Where a charger has not reported MeterValueSampleInterval (stuck_transaction rules).
        std::chrono::seconds default_sample_interval{60};
        // Where csms_rule_* series go, one per rule in force; null: none.
        base::Metrics* metrics = nullptr;
    };

    // Opens db_path read-only; the writer must have migrated it.
    Engine(const std::string& db_path, RuleSet rules, store::Writer& writer, const base::Clock& clock, Options options);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    void start();
    // Idempotent; waits for the thread.
    void stop();

    // Takes effect at the next poll. Alerts of rules that are gone are
    // cleared; those of rules kept by name stay open. Thread-safe.
    void replace_rules(RuleSet rules);
    // The rules in force (or about to be). Thread-safe.
    std::shared_ptr<const RuleSet> rules() const;

    // One pass over the rows committed since the last one, and the clock
    // rules when scan_interval has passed; what the thread does every
    // poll_interval. Returns true when it stopped at max_rows_per_poll with
    // more waiting. For tests, or without start().
    bool poll_once();

private:
    using TrackerKey = std::tuple<std::string, std::string, int>; // rule, charger, connector
    using ConnectorKey = std::pair<std::string, int>;

    struct Cursor {
        const char* table;
        std::int64_t last_id = 0;
        std::int64_t saved_id = 0;
    };
    struct Reading {
        std::string timestamp;
        double value = 0;
    };
    struct Verdict {
        bool condition = false;
        std::string detail;
    };

    ConditionTracker& tracker(const Rule& rule, const std::string& charger_id, int connector_id);
    void apply(const Rule& rule, const std::string& charger_id, int connector_id, bool condition, base::SysTime at,
               const std::string& detail);
    void take_new_rules();
    void forget_failed_writes();
    void save_cursors();

    // Row followers (engine_follow.cpp); each returns true when it read
    // max_rows_per_poll rows.
    bool follow_samples();
    bool follow_statuses();
    bool follow_connections();
    bool follow_security_events();
    struct Sample {
        std::string measurand, phase;
        double value = 0;
    };
    void evaluate_sample_set(const std::string& charger_id, int connector_id, const ChargerFacts& facts,
                             const std::string& timestamp, const std::vector<Sample>& samples);
    std::optional<double> previous_register(const std::string& charger_id, int connector_id,
                                            const std::string& before_timestamp);

    // Clock rules (engine_scan.cpp).
    void scan(base::SysTime now);
    void scan_offline(base::SysTime now);
    void scan_stuck_transactions(base::SysTime now);
    void scan_flapping(base::SysTime now);
    void scan_degraded(base::SysTime now);
    // Feeds false to every tracker of rule not named in `holding`.
    void release_others(const Rule& rule, const std::map<ConnectorKey, Verdict>& holding, base::SysTime now);
    bool has_rule(RuleKind kind) const;

    void restore_active_alerts();
    // Registers the series of the rules in force and drops those of rules
    // a reload removed.
    void follow_rule_series();

    struct RuleSeries {
        base::Counter* evaluations;
        base::Counter* opened;
        base::Counter* cleared;
    };

    store::Database db_;
    std::shared_ptr<const RuleSet> rules_;
    store::Writer& writer_;
    const base::Clock& clock_;
    Options options_;
    Cursor samples_{"sample_messages"}, statuses_{"status_history"}, connections_{"connection_events"},
        security_events_{"security_events"};
    std::map<TrackerKey, ConditionTracker> trackers_;
    std::map<std::string, RuleSeries, std::less<>> series_; // by rule name; empty without Options::metrics
    std::optional<base::SysTime> last_scan_;
    base::SysTime started_at_; // silence is not counted from before the engine watched

    // What the followers remember between rows.
    std::map<ConnectorKey, Reading> last_register_;             // meter_anomaly
    std::map<std::string, base::SysTime> last_heard_;           // offline: connections, samples, statuses, heartbeats
    std::map<std::string, std::deque<base::SysTime>> connects_; // flapping
    std::optional<std::string> stops_seen_until_;               // degraded

    // Alert writes the writer could not commit (key, was an open). Shared with
    // the writer's callbacks, which may run after the engine is gone.
    struct FailedWrites {
        std::mutex mutex;
        std::vector<std::pair<TrackerKey, bool>> keys;
    };
    std::shared_ptr<FailedWrites> failed_writes_ = std::make_shared<FailedWrites>();

    mutable std::mutex mutex_;                       // guards the two below
    std::shared_ptr<const RuleSet> pending_rules_;   // for the engine thread to take
    std::shared_ptr<const RuleSet> published_rules_; // what rules() answers
    base::PollingThread poller_;                     // last: stops before the rest goes
};

} // namespace csms::rules
