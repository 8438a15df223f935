#include "admin/permissions.hpp"

#include <initializer_list>

namespace csms::admin {
namespace {

using enum Permission;

struct RoleGrants {
    std::string_view role;
    std::initializer_list<Permission> grants;
};

// The policy's duties, as permissions:
// - information management: rules, master-data approval, system, analysis;
// - operations: status collection, master-data upkeep, user feedback;
// - technical: data transmission, hardware, system upgrades;
// - customer service: user enquiries (where is a charger, why this fee);
// - supervision (auditor): periodic checks of what was done, by whom.
constexpr RoleGrants role_table[] = {
    {"admin", {authenticated, chargers_read,    chargers_write, chargers_security, transactions_read,
               id_tags_read,  id_tags_write,    commands_read,  commands_operate,  commands_technical,
               audit_read,    operators_manage, alerts_read,    alerts_ack,        rules_manage,
               stats_read,    billing_read,     billing_adjust, billing_manage,    partners_manage}},
    {"information_management",
     {authenticated, chargers_read, chargers_write, transactions_read, id_tags_read, commands_read, alerts_read,
      rules_manage, stats_read, billing_read, billing_manage, partners_manage}},
    {"operations",
     {authenticated, chargers_read, chargers_write, transactions_read, id_tags_read, id_tags_write, commands_read,
      commands_operate, alerts_read, alerts_ack, stats_read, billing_read, billing_adjust}},
    {"technical",
     {authenticated, chargers_read, chargers_security, commands_read, commands_operate, commands_technical, alerts_read,
      alerts_ack, stats_read}},
    {"customer_service",
     {authenticated, chargers_read, transactions_read, id_tags_read, alerts_read, billing_read, billing_adjust}},
    {"auditor",
     {authenticated, chargers_read, transactions_read, id_tags_read, commands_read, audit_read, alerts_read, stats_read,
      billing_read}},
};

} // namespace

std::string_view permission_name(Permission permission)
{
    switch (permission) {
    case authenticated:
        return "authenticated";
    case chargers_read:
        return "chargers.read";
    case chargers_write:
        return "chargers.write";
    case chargers_security:
        return "chargers.security";
    case transactions_read:
        return "transactions.read";
    case id_tags_read:
        return "id_tags.read";
    case id_tags_write:
        return "id_tags.write";
    case commands_read:
        return "commands.read";
    case commands_operate:
        return "commands.operate";
    case commands_technical:
        return "commands.technical";
    case audit_read:
        return "audit.read";
    case operators_manage:
        return "operators.manage";
    case alerts_read:
        return "alerts.read";
    case alerts_ack:
        return "alerts.ack";
    case rules_manage:
        return "rules.manage";
    case stats_read:
        return "stats.read";
    case billing_read:
        return "billing.read";
    case billing_adjust:
        return "billing.adjust";
    case billing_manage:
        return "billing.manage";
    case partners_manage:
        return "partners.manage";
    }
    return "unknown";
}

bool role_allows(std::string_view role, Permission permission)
{
    for (const auto& entry : role_table) {
        if (entry.role == role) {
            for (auto granted : entry.grants) {
                if (granted == permission) {
                    return true;
                }
            }
            return false;
        }
    }
    return false;
}

} // namespace csms::admin
