#include "rules/engine.hpp"

#include "store/alert_store.hpp"
#include "store/connection_store.hpp"
#include "store/rule_source.hpp"
#include "store/time_column.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

namespace csms::rules {
namespace {

store::AlertSeverity to_store(Severity severity)
{
    switch (severity) {
    case Severity::info:
        return store::AlertSeverity::info;
    case Severity::warning:
        return store::AlertSeverity::warning;
    case Severity::critical:
        return store::AlertSeverity::critical;
    }
    return store::AlertSeverity::warning;
}

const Rule* find_rule(const RuleSet& set, const std::string& name)
{
    auto it = std::find_if(set.rules.begin(), set.rules.end(), [&](const Rule& r) { return r.name == name; });
    return it == set.rules.end() ? nullptr : &*it;
}

} // namespace

Engine::Engine(const std::string& db_path, RuleSet rules, store::Writer& writer, const base::Clock& clock,
               Options options)
    : db_(db_path, true), rules_(std::make_shared<const RuleSet>(std::move(rules))), writer_(writer), clock_(clock),
      options_(options), started_at_(clock.now_utc()), published_rules_(rules_),
      poller_("rule engine", options.poll_interval, [this] { return poll_once(); })
{
    for (Cursor* cursor : {&samples_, &statuses_, &connections_, &security_events_}) {
        // First start on this database: what came before is history, not news.
        cursor->last_id = store::load_cursor(db_, cursor->table).value_or(store::newest_id(db_, cursor->table));
        cursor->saved_id = cursor->last_id;
    }
    restore_active_alerts();
    follow_rule_series();
}

Engine::~Engine()
{
    stop();
}

void Engine::start()
{
    poller_.start();
}

void Engine::stop()
{
    poller_.stop();
}

void Engine::replace_rules(RuleSet rules)
{
    auto set = std::make_shared<const RuleSet>(std::move(rules));
    {
        std::lock_guard lock(mutex_);
        pending_rules_ = set;
        published_rules_ = set;
    }
    poller_.wake();
}

std::shared_ptr<const RuleSet> Engine::rules() const
{
    std::lock_guard lock(mutex_);
    return published_rules_;
}

bool Engine::poll_once()
{
    take_new_rules();
    forget_failed_writes();
    bool behind = follow_samples();
    behind = follow_statuses() || behind;
    behind = follow_connections() || behind;
    behind = follow_security_events() || behind;
    auto now = clock_.now_utc();
    if (!last_scan_ || now - *last_scan_ >= options_.scan_interval) {
        last_scan_ = now;
        scan(now);
    }
    save_cursors();
    return behind;
}

void Engine::take_new_rules()
{
    std::shared_ptr<const RuleSet> incoming;
    {
        std::lock_guard lock(mutex_);
        incoming.swap(pending_rules_);
    }
    if (!incoming) {
        return;
    }
    auto now = clock_.now_utc();
    std::map<TrackerKey, ConditionTracker> kept;
    for (auto& [key, old] : trackers_) {
        if (!old.active()) {
            continue; // a condition on its way to an alert starts over under the new definition
        }
        const auto& [name, charger_id, connector_id] = key;
        if (const Rule* rule = find_rule(*incoming, name)) {
            ConditionTracker renewed(rule->for_duration, rule->clear_after);
            renewed.restore_active(now);
            kept.emplace(key, renewed);
        } else {
            spdlog::info("rule {}: removed, clearing its alert for {} connector {}", name, charger_id, connector_id);
            writer_.submit([key = store::AlertKey{name, charger_id, connector_id},
                            now](store::Database& db) { store::clear_alert(db, key, now); },
                           [](bool) {});
        }
    }
    trackers_ = std::move(kept);
    rules_ = std::move(incoming);
    follow_rule_series();
    last_scan_.reset(); // evaluate the clock rules of the new set at once
    spdlog::info("rule engine: {} rules in force from {}", rules_->rules.size(), rules_->source);
}

void Engine::forget_failed_writes()
{
    std::vector<std::pair<TrackerKey, bool>> failed;
    {
        std::lock_guard lock(failed_writes_->mutex);
        failed.swap(failed_writes_->keys);
    }
    auto now = clock_.now_utc();
    for (const auto& [key, was_open] : failed) {
        if (was_open) {
            trackers_.erase(key); // not open in the store: the next observation raises it again
        } else if (auto it = trackers_.find(key); it != trackers_.end()) {
            it->second.restore_active(now); // still open in the store: clear it again later
        }
    }
}

void Engine::save_cursors()
{
    std::vector<std::pair<const char*, std::int64_t>> moved;
    for (Cursor* cursor : {&samples_, &statuses_, &connections_, &security_events_}) {
        if (cursor->last_id != cursor->saved_id) {
            moved.emplace_back(cursor->table, cursor->last_id);
            cursor->saved_id = cursor->last_id;
        }
    }
    if (moved.empty()) {
        return;
    }
    // Submitted after the alert writes of the rows it covers, so it never
    // commits ahead of them.
    writer_.submit(
        [moved](store::Database& db) {
            for (const auto& [table, id] : moved) {
                store::save_cursor(db, table, id);
            }
        },
        [](bool ok) {
            if (!ok) {
                spdlog::warn("rule engine: could not store its cursors; a restart re-reads those rows");
            }
        });
}

ConditionTracker& Engine::tracker(const Rule& rule, const std::string& charger_id, int connector_id)
{
    auto key = TrackerKey{rule.name, charger_id, connector_id};
    auto it = trackers_.find(key);
    if (it == trackers_.end()) {
        it = trackers_.emplace(key, ConditionTracker(rule.for_duration, rule.clear_after)).first;
    }
    return it->second;
}

void Engine::apply(const Rule& rule, const std::string& charger_id, int connector_id, bool condition, base::SysTime at,
                   const std::string& detail)
{
    auto change = tracker(rule, charger_id, connector_id).observe(condition, at);
    auto series = series_.find(rule.name);
    if (series != series_.end()) {
        series->second.evaluations->inc();
    }
    if (change == ConditionTracker::Change::none) {
        return;
    }
    if (series != series_.end()) {
        (change == ConditionTracker::Change::open ? series->second.opened : series->second.cleared)->inc();
    }
    TrackerKey tracker_key{rule.name, charger_id, connector_id};
    bool opening = change == ConditionTracker::Change::open;
    auto on_done = [failed = failed_writes_, tracker_key, opening](bool ok) {
        if (!ok) {
            spdlog::error("rule {}: could not {} the alert for {}; will retry", std::get<0>(tracker_key),
                          opening ? "open" : "clear", std::get<1>(tracker_key));
            std::lock_guard lock(failed->mutex);
            failed->keys.emplace_back(tracker_key, opening);
        }
    };
    store::AlertKey key{rule.name, charger_id, connector_id};
    if (opening) {
        spdlog::info("rule {}: alert for {} connector {}: {}", rule.name, charger_id, connector_id, detail);
        writer_.submit([key, kind = std::string(to_string(rule.kind)), severity = to_store(rule.severity), detail,
                        at](store::Database& db) { store::raise_alert(db, key, kind, severity, detail, at); },
                       on_done);
    } else {
        spdlog::info("rule {}: cleared for {} connector {}", rule.name, charger_id, connector_id);
        writer_.submit([key, at](store::Database& db) { store::clear_alert(db, key, at); }, on_done);
    }
}

void Engine::follow_rule_series()
{
    auto* metrics = options_.metrics;
    if (metrics == nullptr) {
        return;
    }
    for (auto it = series_.begin(); it != series_.end();) {
        if (find_rule(*rules_, it->first) != nullptr) {
            ++it;
            continue;
        }
        // A rule gone for good: its series would never move again.
        const base::Labels labels{{"rule", it->first}};
        metrics->remove_counter("csms_rule_evaluations_total", labels);
        metrics->remove_counter("csms_rule_alerts_opened_total", labels);
        metrics->remove_counter("csms_rule_alerts_cleared_total", labels);
        it = series_.erase(it);
    }
    for (const auto& rule : rules_->rules) {
        const base::Labels labels{{"rule", rule.name}};
        series_.try_emplace(
            rule.name,
            RuleSeries{&metrics->counter("csms_rule_evaluations_total",
                                         "Observations of a rule's condition for one connector or charger", labels),
                       &metrics->counter("csms_rule_alerts_opened_total", "Alerts a rule opened", labels),
                       &metrics->counter("csms_rule_alerts_cleared_total", "Alerts of a rule cleared", labels)});
    }
}

bool Engine::has_rule(RuleKind kind) const
{
    return std::any_of(rules_->rules.begin(), rules_->rules.end(), [kind](const Rule& r) { return r.kind == kind; });
}

void Engine::restore_active_alerts()
{
    for (const auto& alert : store::active_rule_alerts(db_)) {
        if (const Rule* rule = find_rule(*rules_, alert.rule)) {
            auto at = store::optional_time_from_column(alert.last_seen_at).value_or(clock_.now_utc());
            tracker(*rule, alert.charger_id, alert.connector_id).restore_active(at);
        }
    }
}

} // namespace csms::rules
