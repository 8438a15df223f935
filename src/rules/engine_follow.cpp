// The engine's row followers: each reads the rows committed after its cursor
// and feeds the rules that look at them.
#include "rules/engine.hpp"

#include "rules/facts_columns.hpp"
#include "store/time_column.hpp"

#include <algorithm>
#include <sstream>

namespace csms::rules {
namespace {

constexpr std::string_view energy_register = "Energy.Active.Import.Register";

std::string describe(const std::string& measurand, const std::string& phase, double value)
{
    std::ostringstream out;
    out << measurand << (phase.empty() ? "" : " " + phase) << " = " << value;
    return out.str();
}

} // namespace

bool Engine::follow_samples()
{
    // Whole messages, in arrival order: the cursor is a sample_messages id,
    // and a poll never cuts a message's values in two.
    struct Row {
        std::int64_t id;
        std::string charger_id;
        int connector_id;
        std::string timestamp, measurand, phase;
        std::optional<double> value;
        std::string received_at;
        ChargerFacts facts;
    };
    std::vector<Row> rows;
    for (auto& v : store::rule_samples_after(db_, samples_.last_id, options_.max_rows_per_poll)) {
        rows.push_back(Row{v.message_id, std::move(v.charger_id), v.connector_id, store::to_column(v.time),
                           std::move(v.measurand), std::move(v.phase), v.value, store::to_column(v.received_at),
                           facts_of(v.facts)});
    }
    std::size_t messages = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        messages += i == 0 || rows[i].id != rows[i - 1].id ? 1 : 0;
    }
    const bool full = static_cast<int>(messages) == options_.max_rows_per_poll;
    auto same_set = [](const Row& a, const Row& b) {
        return a.charger_id == b.charger_id && a.connector_id == b.connector_id && a.timestamp == b.timestamp;
    };
    const std::size_t end = rows.size();
    std::vector<Sample> set;
    for (std::size_t i = 0; i < end; ++i) {
        const Row& row = rows[i];
        if (row.value) {
            set.push_back(Sample{row.measurand, row.phase, *row.value}); // text readings say nothing to a rule
        }
        if (i + 1 == end || !same_set(rows[i + 1], row)) {
            auto heard = store::time_from_column(row.received_at);
            auto& last = last_heard_[row.charger_id];
            last = std::max(last, heard);
            evaluate_sample_set(row.charger_id, row.connector_id, row.facts, row.timestamp, set);
            set.clear();
        }
        samples_.last_id = row.id;
    }
    return full;
}

void Engine::evaluate_sample_set(const std::string& charger_id, int connector_id, const ChargerFacts& facts,
                                 const std::string& timestamp, const std::vector<Sample>& samples)
{
    auto at = store::time_from_column(timestamp);
    ConnectorKey connector{charger_id, connector_id};

    // The register's previous reading, before this set replaces it.
    std::optional<Reading> register_before, register_now;
    auto reading = std::find_if(samples.begin(), samples.end(),
                                [](const Sample& x) { return x.measurand == energy_register && x.phase.empty(); });
    if (reading != samples.end() && has_rule(RuleKind::meter_anomaly)) {
        auto it = last_register_.find(connector);
        if (it == last_register_.end()) {
            if (auto previous = previous_register(charger_id, connector_id, timestamp)) {
                it = last_register_.emplace(connector, Reading{"", *previous}).first;
            }
        }
        if (it == last_register_.end() || it->second.timestamp < timestamp) { // an older set replayed says nothing
            if (it != last_register_.end()) {
                register_before = it->second;
            }
            register_now = Reading{timestamp, reading->value};
            last_register_[connector] = *register_now;
        }
    }
    std::optional<double> offered;
    for (const auto& sample : samples) {
        if (sample.measurand == "Current.Offered") {
            offered = sample.value;
        }
    }

    for (const auto& rule : rules_->rules) {
        if (!in_scope(rule, charger_id, facts)) {
            continue;
        }
        std::optional<bool> verdict;
        std::string detail;
        auto fold = [&](std::optional<bool> condition, const Sample& sample) {
            if (!condition) {
                return;
            }
            // Any sample of the set that meets the condition makes the set meet it
            // (a rule without a phase, three phases, one of them hot).
            if (*condition && !verdict.value_or(false)) {
                detail = describe(sample.measurand, sample.phase, sample.value);
            }
            verdict = verdict.value_or(false) || *condition;
        };
        switch (rule.kind) {
        case RuleKind::threshold:
        case RuleKind::range:
            for (const auto& sample : samples) {
                fold(sample_condition(rule, sample.measurand, sample.phase, sample.value), sample);
            }
            break;
        case RuleKind::relative: {
            auto reference = rule.relative_to == "rated_current" ? facts.rated_current_a : offered;
            for (const auto& sample : samples) {
                fold(relative_condition(rule, sample.measurand, sample.phase, sample.value, reference), sample);
            }
            if (verdict.value_or(false)) {
                std::ostringstream out;
                out << detail << " (" << rule.percent << " % of " << rule.relative_to << " " << *reference << ")";
                detail = out.str();
            }
            break;
        }
        case RuleKind::meter_anomaly:
            if (register_before && register_now) {
                verdict = meter_anomaly_condition(rule, register_before->value, register_now->value);
                std::ostringstream out;
                out << energy_register << " went from " << register_before->value << " to " << register_now->value
                    << " Wh";
                detail = out.str();
            }
            break;
        case RuleKind::faulted: // status_history
        case RuleKind::offline: // the clock rules: engine_scan.cpp
        case RuleKind::stuck_transaction:
        case RuleKind::degraded:
        case RuleKind::flapping:
        case RuleKind::security_event:
            break;
        }
        if (verdict) {
            apply(rule, charger_id, connector_id, *verdict, at, detail);
        }
    }
}

std::optional<double> Engine::previous_register(const std::string& charger_id, int connector_id,
                                                const std::string& before_timestamp)
{
    return store::energy_register_before(db_, charger_id, connector_id, store::time_from_column(before_timestamp));
}

bool Engine::follow_statuses()
{
    auto rows = store::rule_statuses_after(db_, statuses_.last_id, options_.max_rows_per_poll);
    for (const auto& row : rows) {
        statuses_.last_id = row.id;
        auto at = store::time_from_column(row.at);
        auto& heard = last_heard_[row.charger_id];
        heard = std::max(heard, store::time_from_column(row.received_at));
        auto facts = facts_of(row.facts);
        for (const auto& rule : rules_->rules) {
            if (!in_scope(rule, row.charger_id, facts)) {
                continue;
            }
            if (auto condition = status_condition(rule, row.status, row.error_code)) {
                apply(rule, row.charger_id, row.connector_id, *condition, at, row.status + " " + row.error_code);
            }
        }
    }
    return static_cast<int>(rows.size()) == options_.max_rows_per_poll;
}

bool Engine::follow_connections()
{
    auto rows = store::rule_connections_after(db_, connections_.last_id, options_.max_rows_per_poll);
    for (const auto& row : rows) {
        connections_.last_id = row.id;
        auto at = store::time_from_column(row.at);
        auto& heard = last_heard_[row.charger_id];
        heard = std::max(heard, at);
        if (row.event == "connected" && has_rule(RuleKind::flapping)) {
            connects_[row.charger_id].push_back(at); // judged by scan_flapping, on the engine's clock
        }
    }
    if (!rows.empty() && has_rule(RuleKind::flapping)) {
        last_scan_.reset(); // a burst of reconnects is news now, not at the next scan
    }
    return static_cast<int>(rows.size()) == options_.max_rows_per_poll;
}

bool Engine::follow_security_events()
{
    auto rows = store::rule_security_events_after(db_, security_events_.last_id, options_.max_rows_per_poll);
    auto now = clock_.now_utc();
    for (const auto& row : rows) {
        security_events_.last_id = row.id;
        if (!row.critical_from_charger) {
            continue; // only a charger's critical SecurityEventNotification
        }
        auto facts = facts_of(row.facts);
        for (const auto& rule : rules_->rules) {
            if (rule.kind == RuleKind::security_event && in_scope(rule, row.charger_id, facts)) {
                // On the engine's clock, like the scan that later lets it clear.
                apply(rule, row.charger_id, 0, true, now, "security event " + row.type);
            }
        }
    }
    return static_cast<int>(rows.size()) == options_.max_rows_per_poll;
}

} // namespace csms::rules
