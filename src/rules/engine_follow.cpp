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

// The four chargers columns every follower query ends with.
constexpr const char* facts_columns = "c.model, c.region, c.rated_power_w, c.rated_current_a";

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
    auto& s = db_.cached(std::string(R"sql(
        SELECT m.id, v.charger_id, v.connector_id, m.time, k.measurand, k.phase, s.value, m.received_at, )sql") +
                         facts_columns + R"sql(
        FROM (SELECT * FROM sample_messages WHERE id > ?1 ORDER BY id LIMIT ?2) m
        JOIN sample_connectors v ON v.id = m.connector
        JOIN samples s ON s.connector = m.connector AND s.time = m.time AND s.message = m.id
        JOIN sample_kinds k ON k.id = s.kind
        LEFT JOIN chargers c ON c.charger_id = v.charger_id
        ORDER BY m.id, s.position)sql");
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
    {
        store::ResetGuard guard(s);
        s.bind(1, samples_.last_id);
        s.bind(2, options_.max_rows_per_poll);
        while (s.step()) {
            rows.push_back(Row{s.column_int64(0), s.column_text(1), s.column_int(2),
                               store::to_column(store::time_from_ms_column(s.column_int64(3))), s.column_text(4),
                               s.column_text(5),
                               s.column_is_null(6) ? std::nullopt : std::optional<double>(s.column_double(6)),
                               store::to_column(store::time_from_ms_column(s.column_int64(7))), facts_at(s, 8)});
        }
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
    // Walks the connector's samples backwards; the newest sets carry the
    // register, so this stops after a few rows.
    auto& s = db_.cached(R"sql(
        SELECT s.value FROM samples s
        WHERE s.connector = (SELECT id FROM sample_connectors WHERE charger_id = ?1 AND connector_id = ?2)
          AND s.time < ?3 AND s.value IS NOT NULL
          AND s.kind IN (SELECT id FROM sample_kinds WHERE measurand = 'Energy.Active.Import.Register' AND phase = '')
        ORDER BY s.time DESC LIMIT 1)sql");
    store::ResetGuard guard(s);
    s.bind(1, charger_id);
    s.bind(2, connector_id);
    s.bind(3, store::to_ms_column(store::time_from_column(before_timestamp)));
    if (!s.step()) {
        return std::nullopt;
    }
    return s.column_double(0);
}

bool Engine::follow_statuses()
{
    auto& s = db_.cached(std::string(R"sql(
        SELECT h.id, h.charger_id, h.connector_id, ifnull(h.timestamp, h.received_at), h.received_at, h.status,
               h.error_code, )sql") +
                         facts_columns + R"sql(
        FROM status_history h LEFT JOIN chargers c USING (charger_id)
        WHERE h.id > ?1 ORDER BY h.id LIMIT ?2)sql");
    store::ResetGuard guard(s);
    s.bind(1, statuses_.last_id);
    s.bind(2, options_.max_rows_per_poll);
    int rows = 0;
    while (s.step()) {
        ++rows;
        statuses_.last_id = s.column_int64(0);
        auto charger_id = s.column_text(1);
        int connector_id = s.column_int(2);
        auto at = store::time_from_column(s.column_text(3));
        auto& heard = last_heard_[charger_id];
        heard = std::max(heard, store::time_from_column(s.column_text(4)));
        auto status = s.column_text(5);
        auto error_code = s.column_text(6);
        auto facts = facts_at(s, 7);
        for (const auto& rule : rules_->rules) {
            if (!in_scope(rule, charger_id, facts)) {
                continue;
            }
            if (auto condition = status_condition(rule, status, error_code)) {
                apply(rule, charger_id, connector_id, *condition, at, status + " " + error_code);
            }
        }
    }
    return rows == options_.max_rows_per_poll;
}

bool Engine::follow_connections()
{
    auto& s = db_.cached("SELECT id, charger_id, event, at FROM connection_events WHERE id > ?1 ORDER BY id LIMIT ?2");
    store::ResetGuard guard(s);
    s.bind(1, connections_.last_id);
    s.bind(2, options_.max_rows_per_poll);
    int rows = 0;
    while (s.step()) {
        ++rows;
        connections_.last_id = s.column_int64(0);
        auto charger_id = s.column_text(1);
        auto at = store::time_from_column(s.column_text(3));
        auto& heard = last_heard_[charger_id];
        heard = std::max(heard, at);
        if (s.column_text(2) == "connected" && has_rule(RuleKind::flapping)) {
            connects_[charger_id].push_back(at); // judged by scan_flapping, on the engine's clock
        }
    }
    if (rows > 0 && has_rule(RuleKind::flapping)) {
        last_scan_.reset(); // a burst of reconnects is news now, not at the next scan
    }
    return rows == options_.max_rows_per_poll;
}

bool Engine::follow_security_events()
{
    auto& s = db_.cached(std::string(R"sql(
        SELECT e.id, e.charger_id, e.type, e.critical = 1 AND e.source = 'charger', )sql") +
                         facts_columns + R"sql(
        FROM security_events e LEFT JOIN chargers c USING (charger_id)
        WHERE e.id > ?1 ORDER BY e.id LIMIT ?2)sql");
    store::ResetGuard guard(s);
    s.bind(1, security_events_.last_id);
    s.bind(2, options_.max_rows_per_poll);
    int rows = 0;
    auto now = clock_.now_utc();
    while (s.step()) {
        ++rows;
        security_events_.last_id = s.column_int64(0);
        if (s.column_int(3) == 0) {
            continue; // only a charger's critical SecurityEventNotification
        }
        auto charger_id = s.column_text(1);
        auto facts = facts_at(s, 4);
        for (const auto& rule : rules_->rules) {
            if (rule.kind == RuleKind::security_event && in_scope(rule, charger_id, facts)) {
                // On the engine's clock, like the scan that later lets it clear.
                apply(rule, charger_id, 0, true, now, "security event " + s.column_text(2));
            }
        }
    }
    return rows == options_.max_rows_per_poll;
}

} // namespace csms::rules
