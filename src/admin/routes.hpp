#pragma once
// Each file *_routes.cpp adds one area's routes to the API's router.
#include "admin/api_context.hpp"
#include "admin/router.hpp"

#include <string>
#include <string_view>

namespace csms::admin {

void add_operator_routes(Router& router, ApiContext& context);             // operators, tokens, whoami
void add_audit_routes(Router& router, ApiContext& context);                // the audit log
void add_charger_routes(Router& router, ApiContext& context);              // chargers and their state
void add_charger_registration_routes(Router& router, ApiContext& context); // registering and securing chargers
void add_transaction_routes(Router& router, ApiContext& context);          // sessions and meter values
void add_sample_routes(Router& router, ApiContext& context);               // a connector's samples for a chart
void add_id_tag_routes(Router& router, ApiContext& context);               // the id tag list
void add_command_routes(Router& router, ApiContext& context);              // commands to chargers and their history
void add_event_routes(Router& router, ApiContext& context);                // live status changes and alerts
void add_alert_routes(Router& router, ApiContext& context);                // alerts: list, show, acknowledge
void add_rule_routes(Router& router, ApiContext& context);                 // the alert rules in force, and reload
void add_notification_routes(Router& router, ApiContext& context);         // inbox, deliveries per alert
void add_stats_routes(Router& router, ApiContext& context);                // 15-minute statistics
void add_billing_routes(Router& router, ApiContext& context);              // billing records, adjustments, tariffs
void add_usage_routes(Router& router, ApiContext& context);                // usage, load and charger performance
void add_partner_routes(Router& router, ApiContext& context);              // integration partners and their links

// "o***@example.com", "+86*******1234": enough to recognise, not to use.
// Inbox and webhook recipients (names) are returned as they are.
std::string mask_recipient(std::string_view channel_type, const std::string& recipient);

} // namespace csms::admin
