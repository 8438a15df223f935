#pragma once
// What a notification says, the same facts on every channel: the webhook's
// JSON document, a short SMS text, an e-mail's subject and body.
#include "store/notification_store.hpp"

#include <string>

namespace csms::notify {

// {"alert_id", "event", "route", "rule", "kind", "severity", "charger_id",
//  "connector_id", "message", "state", "raised_at", "event_at",
//  "acknowledged_by", "ack_note", "cleared_at", "delivery_id"}
std::string webhook_body(const store::AlertEvent& event, std::int64_t delivery_id);

// One line, at most 160 characters: "CSMS critical opened: hot-connector CP1/1 Temperature = 82".
std::string short_text(const store::AlertEvent& event);

std::string email_subject(const store::AlertEvent& event);
std::string email_body(const store::AlertEvent& event);

} // namespace csms::notify
