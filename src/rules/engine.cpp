#include "rules/engine.hpp"

#include "rules/conditions.hpp"
#include "store/alert_store.hpp"
#include "store/time_column.hpp"

#include <spdlog/spdlog.h>

#include <sstream>

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

std::int64_t newest_id(store::Database& db, const char* table)
{
    auto& s = db.cached(std::string("SELECT ifnull(max(id), 0) FROM ") + table);
    store::ResetGuard guard(s);
    s.step();
    return s.column_int64(0);
}

} // namespace

Engine::Engine(const std::string& db_path, RuleSet rules, store::Writer& writer, const base::Clock& clock,
               Options options)
    : db_(db_path, true), rules_(std::move(rules)), writer_(writer), clock_(clock), options_(options)
{
    sample_cursor_ = newest_id(db_, "meter_values");
    status_cursor_ = newest_id(db_, "status_history");
    restore_active_alerts();
}

Engine::~Engine()
{
    stop();
}

void Engine::start()
{
    thread_ = std::thread([this] { run(); });
}

void Engine::stop()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
}

void Engine::run()
{
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        bool behind = false;
        try {
            behind = poll_once();
        } catch (const std::exception& e) {
            spdlog::error("rule engine: {}", e.what()); // the next poll tries again
        }
        lock.lock();
        if (!behind) { // behind: catch up at once, a burst must not leave it lagging
            wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_; });
        }
    }
}

bool Engine::poll_once()
{
    bool more_samples = follow_samples();
    bool more_statuses = follow_statuses();
    return more_samples || more_statuses;
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
    if (change == ConditionTracker::Change::none) {
        return;
    }
    store::AlertKey key{rule.name, charger_id, connector_id};
    if (change == ConditionTracker::Change::open) {
        spdlog::info("rule {}: alert for {} connector {}: {}", rule.name, charger_id, connector_id, detail);
        writer_.submit([key, kind = std::string(to_string(rule.kind)), severity = to_store(rule.severity), detail,
                        at](store::Database& db) { store::raise_alert(db, key, kind, severity, detail, at); },
                       [](bool) {});
    } else {
        spdlog::info("rule {}: cleared for {} connector {}", rule.name, charger_id, connector_id);
        writer_.submit([key, at](store::Database& db) { store::clear_alert(db, key, at); }, [](bool) {});
    }
}

bool Engine::follow_samples()
{
    auto& s = db_.cached(R"sql(
        SELECT v.id, v.charger_id, v.connector_id, v.timestamp, v.measurand, v.phase, v.normalized_value, c.model
        FROM meter_values v LEFT JOIN chargers c USING (charger_id)
        WHERE v.id > ?1 ORDER BY v.id LIMIT ?2)sql");
    store::ResetGuard guard(s);
    s.bind(1, sample_cursor_);
    s.bind(2, options_.max_rows_per_poll);
    int rows = 0;
    while (s.step()) {
        ++rows;
        sample_cursor_ = s.column_int64(0);
        if (s.column_is_null(6)) {
            continue; // a reading that is not a number says nothing to a threshold
        }
        auto charger_id = s.column_text(1);
        int connector_id = s.column_int(2);
        auto at = store::optional_time_from_column(s.column_optional_text(3)).value_or(clock_.now_utc());
        auto measurand = s.column_text(4);
        auto phase = s.column_text(5);
        double value = s.column_double(6);
        auto model = s.column_optional_text(7);
        for (const auto& rule : rules_.rules) {
            if (!in_scope(rule, charger_id, model)) {
                continue;
            }
            if (auto condition = sample_condition(rule, measurand, phase, value)) {
                std::ostringstream detail;
                detail << measurand << (phase.empty() ? "" : " " + phase) << " = " << value;
                apply(rule, charger_id, connector_id, *condition, at, detail.str());
            }
        }
    }
    return rows == options_.max_rows_per_poll;
}

bool Engine::follow_statuses()
{
    auto& s = db_.cached(R"sql(
        SELECT h.id, h.charger_id, h.connector_id, h.timestamp, h.received_at, h.status, h.error_code, c.model
        FROM status_history h LEFT JOIN chargers c USING (charger_id)
        WHERE h.id > ?1 ORDER BY h.id LIMIT ?2)sql");
    store::ResetGuard guard(s);
    s.bind(1, status_cursor_);
    s.bind(2, options_.max_rows_per_poll);
    int rows = 0;
    while (s.step()) {
        ++rows;
        status_cursor_ = s.column_int64(0);
        auto charger_id = s.column_text(1);
        int connector_id = s.column_int(2);
        auto when = s.column_optional_text(3) ? s.column_optional_text(3) : s.column_optional_text(4);
        auto at = store::optional_time_from_column(when).value_or(clock_.now_utc());
        auto status = s.column_text(5);
        auto error_code = s.column_text(6);
        auto model = s.column_optional_text(7);
        for (const auto& rule : rules_.rules) {
            if (!in_scope(rule, charger_id, model)) {
                continue;
            }
            if (auto condition = status_condition(rule, status, error_code)) {
                apply(rule, charger_id, connector_id, *condition, at, status + " " + error_code);
            }
        }
    }
    return rows == options_.max_rows_per_poll;
}

void Engine::restore_active_alerts()
{
    auto& s = db_.cached(R"sql(
        SELECT rule, charger_id, connector_id, ifnull(last_seen_at, raised_at) FROM alerts
        WHERE rule IS NOT NULL AND state != 'cleared' AND charger_id IS NOT NULL AND connector_id IS NOT NULL)sql");
    store::ResetGuard guard(s);
    while (s.step()) {
        auto name = s.column_text(0);
        for (const auto& rule : rules_.rules) {
            if (rule.name == name) {
                auto at = store::optional_time_from_column(s.column_optional_text(3)).value_or(clock_.now_utc());
                tracker(rule, s.column_text(1), s.column_int(2)).restore_active(at);
            }
        }
    }
}

} // namespace csms::rules
