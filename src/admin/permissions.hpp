#pragma once
// What each operator role may do. The roles come from the operator's policy
// (docs/requirements.md section 5); every API route names the one permission it
// needs, and this table is the only place that grants them.
#include <string_view>

namespace csms::admin {

enum class Permission {
    authenticated,      // any valid token (e.g. "who am I")
    chargers_read,      // charger list, status, configuration as reported
    chargers_write,     // register chargers, change their registration status
    chargers_security,  // security profiles and AuthorizationKeys
    transactions_read,  // sessions and meter values (id tags are personal data: audited)
    id_tags_read,       // the id tag list (personal data: audited)
    id_tags_write,      // add, block, expire, set the parent of id tags
    commands_read,      // command history
    commands_operate,   // day-to-day commands: remote start/stop, unlock, availability, reservations, triggers
    commands_technical, // reset, configuration, firmware, diagnostics, local lists, charging profiles, certificates
    audit_read,         // the audit log
    alerts_read,        // alerts and their history
    alerts_ack,         // acknowledge alerts, and close those their condition never will
    rules_manage,       // reload the alert rules
    stats_read,         // 15-minute and daily statistics
    billing_read,       // billing records and tariffs (id tags in them are personal data: audited)
    billing_adjust,     // issue adjustment records (corrections, refunds, settling flagged sessions)
    billing_manage,     // reload the tariffs file
    partners_manage,    // reload the partners file (who gets which chargers' data)
    operators_manage,   // accounts and tokens
};

std::string_view permission_name(Permission permission);

// False for an unknown role.
bool role_allows(std::string_view role, Permission permission);

} // namespace csms::admin
