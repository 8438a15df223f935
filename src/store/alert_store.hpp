#pragma once
// The alert lifecycle: open -> acknowledged (by whom, with a note) ->
// cleared, by its condition or by an operator's close (who, why). Rows are
// never deleted, so the history stays. Rule alerts are de-duplicated by their
// key: at most one alert per rule, charger and connector is not cleared (the
// alerts_one_active index enforces it), so a flood of events raises one alert
// and refreshes its last_seen_at. Alerts the
// CSMS raises itself (security_store's insert_alert) have no rule and start
// open.
//
// Like the other repositories, functions run on whichever thread owns the
// Database (the writer thread for writes), use its cached statements and open
// no transactions of their own.
#include "base/clock.hpp"
#include "store/database.hpp"
#include "store/security_store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace csms::store {

enum class AlertState { open, acknowledged, cleared };

constexpr std::string_view to_string(AlertState state)
{
    switch (state) {
    case AlertState::open:
        return "open";
    case AlertState::acknowledged:
        return "acknowledged";
    case AlertState::cleared:
        return "cleared";
    }
    return "open";
}

std::optional<AlertState> parse_alert_state(std::string_view text);
std::optional<AlertSeverity> parse_alert_severity(std::string_view text);

// What a rule alert is about: one not-cleared alert per key.
struct AlertKey {
    std::string rule;
    std::optional<std::string> charger_id; // nullopt: about the system as a whole
    std::optional<int> connector_id;       // nullopt: the charger as a whole
};

// Opens an alert for key, or, when one is open or acknowledged already,
// keeps it and refreshes its last_seen_at to `at` (kind, severity and
// message stay as first raised). Returns the alert's id and true if it was
// newly opened.
std::pair<std::int64_t, bool> raise_alert(Database& db, const AlertKey& key, std::string_view kind,
                                          AlertSeverity severity, std::string_view message, base::SysTime at);

// The key's open or acknowledged alert becomes cleared at `at`. False when
// the key has none.
bool clear_alert(Database& db, const AlertKey& key, base::SysTime at);

enum class AckResult { acknowledged, not_found, already_acknowledged, cleared };

// An open alert becomes acknowledged by operator_name, with an optional note.
// An acknowledged or cleared one is left as it is and says so.
AckResult acknowledge_alert(Database& db, std::int64_t id, std::string_view operator_name,
                            const std::optional<std::string>& note, base::SysTime at);

enum class CloseResult { closed, not_found, already_cleared };

// An open or acknowledged alert becomes cleared by operator_name, for
// `reason`: for alerts whose condition can no longer clear them. A cleared
// one is left as it is and says so.
CloseResult close_alert(Database& db, std::int64_t id, std::string_view operator_name, std::string_view reason,
                        base::SysTime at);

struct AlertView {
    std::int64_t id = 0;
    std::optional<std::string> rule; // nullopt: raised by the CSMS itself
    std::optional<std::string> charger_id;
    std::optional<std::int64_t> connector_id;
    std::string kind;
    std::string severity; // info | warning | critical
    std::string message;
    std::optional<std::string> source_ref;
    std::string state; // open | acknowledged | cleared
    std::string raised_at;
    std::optional<std::string> last_seen_at;
    std::optional<std::string> acknowledged_at;
    std::optional<std::string> acknowledged_by;
    std::optional<std::string> ack_note;
    std::optional<std::string> cleared_at;
    std::optional<std::string> region;       // the charger's, as it is now (what routes and operators go by)
    std::optional<std::string> cleared_by;   // the operator who closed it by hand; nullopt when its condition did
    std::optional<std::string> clear_reason; // why they did
};

struct AlertFilter {
    std::optional<AlertState> state;
    std::optional<std::string> charger_id;
    std::optional<AlertSeverity> severity;
    std::optional<std::int64_t> before_id; // pagination: alerts older than this id
    int limit = 50;
};

// Newest first.
std::vector<AlertView> list_alerts(Database& db, const AlertFilter& filter);

std::optional<AlertView> find_alert(Database& db, std::int64_t id);

// Rule alerts not cleared, about one connector (or a charger as connector
// 0), for the rule engine to pick up after a restart.
struct ActiveRuleAlert {
    std::string rule;
    std::string charger_id;
    int connector_id = 0;
    std::optional<std::string> last_seen_at; // else raised_at
};
std::vector<ActiveRuleAlert> active_rule_alerts(Database& db);

} // namespace csms::store
