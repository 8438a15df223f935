// The engine's clock rules: conditions about silence and windows, judged on
// the engine's clock every scan_interval rather than on a row.
#include "rules/engine.hpp"

#include "rules/facts_columns.hpp"
#include "store/time_column.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <sstream>

namespace csms::rules {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::optional<seconds> positive_seconds(const std::optional<std::string>& text)
{
    long value = 0;
    if (!text || text->empty() || std::from_chars(text->data(), text->data() + text->size(), value).ec != std::errc{} ||
        value <= 0) {
        return std::nullopt;
    }
    return seconds(value);
}

long whole_seconds(milliseconds d)
{
    return static_cast<long>(duration_cast<seconds>(d).count());
}

} // namespace

void Engine::scan(base::SysTime now)
{
    scan_offline(now);
    scan_stuck_transactions(now);
    scan_flapping(now);
    scan_degraded(now);
    for (const auto& rule : rules_->rules) {
        if (rule.kind == RuleKind::security_event) {
            release_others(rule, {}, now); // an event is a moment; quiet since then counts towards clearing
        }
    }
}

void Engine::release_others(const Rule& rule, const std::map<ConnectorKey, Verdict>& holding, base::SysTime now)
{
    std::vector<ConnectorKey> released;
    for (auto it = trackers_.lower_bound(TrackerKey{rule.name, "", INT_MIN});
         it != trackers_.end() && std::get<0>(it->first) == rule.name; ++it) {
        ConnectorKey key{std::get<1>(it->first), std::get<2>(it->first)};
        if (!holding.contains(key)) {
            released.push_back(key);
        }
    }
    for (const auto& [charger_id, connector_id] : released) {
        apply(rule, charger_id, connector_id, false, now, "");
    }
}

void Engine::scan_offline(base::SysTime now)
{
    if (!has_rule(RuleKind::offline)) {
        return;
    }
    std::map<std::string, ChargerFacts> facts;
    for (const auto& charger : store::rule_chargers(db_)) {
        if (auto heartbeat = store::optional_time_from_column(charger.last_heartbeat)) {
            auto& heard = last_heard_[charger.charger_id];
            heard = std::max(heard, *heartbeat);
        }
        facts.emplace(charger.charger_id, facts_of(charger.facts));
    }
    for (const auto& rule : rules_->rules) {
        if (rule.kind != RuleKind::offline) {
            continue;
        }
        std::map<ConnectorKey, Verdict> holding;
        for (const auto& [charger_id, heard] : last_heard_) {
            auto charger = facts.find(charger_id);
            if (charger == facts.end() || !in_scope(rule, charger_id, charger->second)) {
                continue; // not registered (any more), or not this rule's
            }
            auto silent_for = duration_cast<milliseconds>(now - std::max(heard, started_at_));
            bool offline = offline_condition(rule, silent_for, options_.heartbeat_interval);
            std::ostringstream detail;
            detail << "nothing heard for " << whole_seconds(silent_for) << " s (heartbeat interval "
                   << options_.heartbeat_interval.count() << " s)";
            holding.emplace(ConnectorKey{charger_id, 0}, Verdict{offline, detail.str()});
        }
        for (const auto& [key, verdict] : holding) {
            apply(rule, key.first, key.second, verdict.condition, now, verdict.detail);
        }
        release_others(rule, holding, now);
    }
}

void Engine::scan_stuck_transactions(base::SysTime now)
{
    if (!has_rule(RuleKind::stuck_transaction)) {
        return;
    }
    struct Open {
        std::string charger_id;
        int connector_id;
        std::int64_t transaction_id;
        base::SysTime last_sample;
        seconds interval;
        ChargerFacts facts;
    };
    std::vector<Open> open;
    for (const auto& tx : store::charging_transactions(db_)) {
        auto interval = !tx.sample_interval ? std::optional<seconds>(options_.default_sample_interval)
                                            : positive_seconds(tx.sample_interval);
        if (!interval) {
            continue; // sampling switched off (0): silence is what was asked for
        }
        open.push_back(Open{tx.charger_id, tx.connector_id, tx.transaction_id,
                            store::time_from_column(tx.last_sample_received_at), *interval, facts_of(tx.facts)});
    }
    for (const auto& rule : rules_->rules) {
        if (rule.kind != RuleKind::stuck_transaction) {
            continue;
        }
        std::map<ConnectorKey, Verdict> holding;
        for (const auto& tx : open) {
            if (!in_scope(rule, tx.charger_id, tx.facts)) {
                continue;
            }
            auto silent_for = duration_cast<milliseconds>(now - std::max(tx.last_sample, started_at_));
            std::ostringstream detail;
            detail << "transaction " << tx.transaction_id << " Charging with no MeterValues for "
                   << whole_seconds(silent_for) << " s (sample interval " << tx.interval.count() << " s)";
            holding[ConnectorKey{tx.charger_id, tx.connector_id}] =
                Verdict{stuck_condition(rule, silent_for, tx.interval), detail.str()};
        }
        for (const auto& [key, verdict] : holding) {
            apply(rule, key.first, key.second, verdict.condition, now, verdict.detail);
        }
        release_others(rule, holding, now); // stopped, or no longer Charging
    }
}

void Engine::scan_flapping(base::SysTime now)
{
    if (!has_rule(RuleKind::flapping)) {
        connects_.clear();
        return;
    }
    seconds longest{0};
    for (const auto& rule : rules_->rules) {
        if (rule.kind == RuleKind::flapping) {
            longest = std::max(longest, rule.window);
        }
    }
    for (auto it = connects_.begin(); it != connects_.end();) {
        auto& times = it->second;
        while (!times.empty() && now - times.front() > longest) {
            times.pop_front();
        }
        it = times.empty() ? connects_.erase(it) : std::next(it);
    }
    if (connects_.empty() && trackers_.empty()) {
        return;
    }
    for (const auto& rule : rules_->rules) {
        if (rule.kind != RuleKind::flapping) {
            continue;
        }
        std::map<ConnectorKey, Verdict> holding;
        for (const auto& [charger_id, times] : connects_) {
            auto charger = store::charger_facts(db_, charger_id);
            if (!charger || !in_scope(rule, charger_id, facts_of(*charger))) {
                continue;
            }
            auto count = std::count_if(times.begin(), times.end(), [&](auto t) { return now - t <= rule.window; });
            std::ostringstream detail;
            detail << count << " connections in the last " << rule.window.count() << " s";
            holding.emplace(ConnectorKey{charger_id, 0},
                            Verdict{flapping_condition(rule, static_cast<int>(count)), detail.str()});
        }
        for (const auto& [key, verdict] : holding) {
            apply(rule, key.first, key.second, verdict.condition, now, verdict.detail);
        }
        release_others(rule, holding, now);
    }
}

void Engine::scan_degraded(base::SysTime now)
{
    if (!has_rule(RuleKind::degraded)) {
        return;
    }
    // Only chargers with sessions finished since the last scan can have a
    // new average (every charger at the first scan).
    std::vector<std::pair<std::string, ChargerFacts>> changed;
    for (auto& [charger_id, facts] : store::chargers_stopped_after(db_, stops_seen_until_.value_or(""))) {
        changed.emplace_back(std::move(charger_id), facts_of(facts));
    }
    if (auto newest = store::newest_stop_after(db_, stops_seen_until_.value_or(""))) {
        stops_seen_until_ = std::move(*newest);
    }
    for (const auto& rule : rules_->rules) {
        if (rule.kind != RuleKind::degraded) {
            continue;
        }
        for (const auto& [charger_id, facts] : changed) {
            if (!in_scope(rule, charger_id, facts)) {
                continue;
            }
            double sum_power_w = 0;
            int count = 0;
            for (const auto& session : store::last_finished_sessions(db_, charger_id, rule.last_sessions)) {
                auto hours =
                    std::chrono::duration<double, std::ratio<3600>>(store::time_from_column(session.stop_timestamp) -
                                                                    store::time_from_column(session.start_timestamp))
                        .count();
                sum_power_w += static_cast<double>(session.energy_wh) / hours;
                ++count;
            }
            if (count < rule.last_sessions) {
                continue; // too few sessions to judge
            }
            double average_w = sum_power_w / count;
            if (auto condition = degraded_condition(rule, average_w, facts.rated_power_w)) {
                std::ostringstream detail;
                detail << "average power of the last " << count << " sessions " << static_cast<long>(average_w)
                       << " W, rated " << static_cast<long>(*facts.rated_power_w) << " W";
                apply(rule, charger_id, 0, *condition, now, detail.str());
            }
        }
    }
}

} // namespace csms::rules
