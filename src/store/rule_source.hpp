#pragma once
// What the rule engine reads (decision 0011), on its own read-only
// connection: the rows committed after its cursors, each with the facts of
// the charger it is about, and the rows its clock rules judge. Times that
// are TEXT columns come back as their text: the engine reads them where it
// did when the SQL was its own.
#include "base/clock.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace csms::store {

// The chargers columns a rule's scope and relative conditions read.
struct ChargerFactsRow {
    std::optional<std::string> model, region;
    std::optional<double> rated_power_w, rated_current_a;
};

// The newest id in table (0 when empty): where a first start begins.
std::int64_t newest_id(Database& db, std::string_view table);

// One sampled value of a sample_messages row, in message then position order.
struct RuleSampleRow {
    std::int64_t message_id = 0;
    std::string charger_id;
    int connector_id = 0;
    base::SysTime time{};
    std::string measurand, phase;
    std::optional<double> value; // nullopt: a text reading
    base::SysTime received_at{};
    ChargerFactsRow facts;
};
// The values of the first max_messages messages after after_message_id:
// whole messages, never one cut in two.
std::vector<RuleSampleRow> rule_samples_after(Database& db, std::int64_t after_message_id, int max_messages);

// The connector's latest total Energy.Active.Import.Register value before `before`.
std::optional<double> energy_register_before(Database& db, std::string_view charger_id, int connector_id,
                                             base::SysTime before);

struct RuleStatusRow {
    std::int64_t id = 0;
    std::string charger_id;
    int connector_id = 0;
    std::string at; // the charger's timestamp, else received_at
    std::string received_at;
    std::string status, error_code;
    ChargerFactsRow facts;
};
std::vector<RuleStatusRow> rule_statuses_after(Database& db, std::int64_t after_id, int limit);

struct RuleConnectionRow {
    std::int64_t id = 0;
    std::string charger_id;
    std::string event; // connected | disconnected
    std::string at;
};
std::vector<RuleConnectionRow> rule_connections_after(Database& db, std::int64_t after_id, int limit);

struct RuleSecurityEventRow {
    std::int64_t id = 0;
    std::string charger_id;
    std::string type;
    bool critical_from_charger = false;
    ChargerFactsRow facts;
};
std::vector<RuleSecurityEventRow> rule_security_events_after(Database& db, std::int64_t after_id, int limit);

// Every registered charger, with its last heartbeat (offline rules).
struct RuleChargerRow {
    std::string charger_id;
    std::optional<std::string> last_heartbeat;
    ChargerFactsRow facts;
};
std::vector<RuleChargerRow> rule_chargers(Database& db);

// Connectors Charging in an unstopped transaction (stuck_transaction rules).
struct ChargingTransactionRow {
    std::string charger_id;
    int connector_id = 0;
    std::int64_t transaction_id = 0;
    std::string last_sample_received_at;        // the transaction's start when it has no samples
    std::optional<std::string> sample_interval; // MeterValueSampleInterval as the charger reported it
    ChargerFactsRow facts;
};
std::vector<ChargingTransactionRow> charging_transactions(Database& db);

// nullopt: no such charger.
std::optional<ChargerFactsRow> charger_facts(Database& db, std::string_view charger_id);

// Chargers with a session stopped (stop_received_at) after `after` ("" for
// all), and the newest such stop (degraded rules).
std::vector<std::pair<std::string, ChargerFactsRow>> chargers_stopped_after(Database& db, std::string_view after);
std::optional<std::string> newest_stop_after(Database& db, std::string_view after);

// The charger's last `limit` finished sessions that lasted, newest first.
struct FinishedSessionRow {
    std::int64_t energy_wh = 0;
    std::string start_timestamp, stop_timestamp;
};
std::vector<FinishedSessionRow> last_finished_sessions(Database& db, std::string_view charger_id, int limit);

} // namespace csms::store
