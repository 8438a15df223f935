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
    // Heartbeats are not rows of their own (decision 0009): the charger's
    // last_heartbeat column is where they land.
    auto& s = db_.cached(R"sql(
        SELECT charger_id, last_heartbeat, model, region, rated_power_w, rated_current_a FROM chargers)sql");
    store::ResetGuard guard(s);
    std::map<std::string, ChargerFacts> facts;
    while (s.step()) {
        auto charger_id = s.column_text(0);
        if (auto heartbeat = store::optional_time_from_column(s.column_optional_text(1))) {
            auto& heard = last_heard_[charger_id];
            heard = std::max(heard, *heartbeat);
        }
        facts.emplace(charger_id, facts_at(s, 2));
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
    auto& s = db_.cached(R"sql(
        SELECT s.charger_id, s.connector_id, t.transaction_id,
               ifnull((SELECT strftime('%Y-%m-%dT%H:%M:%fZ', m.received_at / 1000.0, 'unixepoch')
                       FROM sample_spans p
                       JOIN samples v ON v.connector = p.connector AND v.time = p.last_time
                       JOIN sample_messages m ON m.id = v.message AND m.transaction_id = p.transaction_id
                       WHERE p.transaction_id = t.transaction_id ORDER BY p.last_time DESC LIMIT 1),
                      t.start_received_at),
               (SELECT k.value FROM charger_configuration k
                WHERE k.charger_id = s.charger_id AND k.key = 'MeterValueSampleInterval'),
               c.model, c.region, c.rated_power_w, c.rated_current_a
        FROM connector_status s
        JOIN transactions t ON t.charger_id = s.charger_id AND t.connector_id = s.connector_id
                           AND t.stop_received_at IS NULL
        LEFT JOIN chargers c ON c.charger_id = s.charger_id
        WHERE s.status = 'Charging')sql");
    struct Open {
        std::string charger_id;
        int connector_id;
        std::int64_t transaction_id;
        base::SysTime last_sample;
        seconds interval;
        ChargerFacts facts;
    };
    std::vector<Open> open;
    {
        store::ResetGuard guard(s);
        while (s.step()) {
            auto interval = s.column_is_null(4) ? std::optional<seconds>(options_.default_sample_interval)
                                                : positive_seconds(s.column_optional_text(4));
            if (!interval) {
                continue; // sampling switched off (0): silence is what was asked for
            }
            open.push_back(Open{s.column_text(0), s.column_int(1), s.column_int64(2),
                                store::time_from_column(s.column_text(3)), *interval, facts_at(s, 5)});
        }
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
    auto& s = db_.cached("SELECT model, region, rated_power_w, rated_current_a FROM chargers WHERE charger_id = ?1");
    for (const auto& rule : rules_->rules) {
        if (rule.kind != RuleKind::flapping) {
            continue;
        }
        std::map<ConnectorKey, Verdict> holding;
        for (const auto& [charger_id, times] : connects_) {
            store::ResetGuard guard(s);
            s.bind(1, charger_id);
            if (!s.step() || !in_scope(rule, charger_id, facts_at(s, 0))) {
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
    {
        auto& s = db_.cached(R"sql(
            SELECT DISTINCT t.charger_id, c.model, c.region, c.rated_power_w, c.rated_current_a
            FROM transactions t JOIN chargers c USING (charger_id)
            WHERE t.stop_received_at > ?1)sql");
        store::ResetGuard guard(s);
        s.bind(1, stops_seen_until_.value_or(""));
        while (s.step()) {
            changed.emplace_back(s.column_text(0), facts_at(s, 1));
        }
        auto& newest = db_.cached("SELECT max(stop_received_at) FROM transactions WHERE stop_received_at > ?1");
        store::ResetGuard newest_guard(newest);
        newest.bind(1, stops_seen_until_.value_or(""));
        if (newest.step() && !newest.column_is_null(0)) {
            stops_seen_until_ = newest.column_text(0);
        }
    }
    auto& sessions = db_.cached(R"sql(
        SELECT meter_stop_wh - meter_start_wh, start_timestamp, stop_timestamp FROM transactions
        WHERE charger_id = ?1 AND stop_received_at IS NOT NULL AND stop_timestamp > start_timestamp
        ORDER BY start_timestamp DESC LIMIT ?2)sql");
    for (const auto& rule : rules_->rules) {
        if (rule.kind != RuleKind::degraded) {
            continue;
        }
        for (const auto& [charger_id, facts] : changed) {
            if (!in_scope(rule, charger_id, facts)) {
                continue;
            }
            store::ResetGuard guard(sessions);
            sessions.bind(1, charger_id);
            sessions.bind(2, rule.last_sessions);
            double sum_power_w = 0;
            int count = 0;
            while (sessions.step()) {
                auto hours =
                    std::chrono::duration<double, std::ratio<3600>>(store::time_from_column(sessions.column_text(2)) -
                                                                    store::time_from_column(sessions.column_text(1)))
                        .count();
                sum_power_w += static_cast<double>(sessions.column_int64(0)) / hours;
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
