#pragma once
// The notification outbox (migration 0007): alert_events, written by
// triggers on alerts and by the dispatcher for escalations; the deliveries
// routed from them; the dispatcher's cursor; and the per-operator inbox.
//
// Like the other repositories, functions run on whichever thread owns the
// Database (the writer thread for writes), use its cached statements and open
// no transactions of their own.
#include "base/clock.hpp"
#include "store/alert_store.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csms::store {

struct AlertEvent {
    std::int64_t event_id = 0;
    std::string event;                // opened | acknowledged | cleared | escalated
    std::optional<std::string> route; // escalated: the route that escalated
    std::string at;
    AlertView alert; // as it is now, not as it was at the event
};

// Events with id > after, oldest first.
std::vector<AlertEvent> alert_events_after(Database& db, std::int64_t after, int limit);
std::optional<AlertEvent> find_alert_event(Database& db, std::int64_t event_id);

// nullopt when the follower has never stored one.
std::optional<std::int64_t> notification_cursor(Database& db, std::string_view name);
// The newest alert event's id, 0 when there is none.
std::int64_t newest_alert_event(Database& db);
void set_notification_cursor(Database& db, std::string_view name, std::int64_t last_id);

enum class DeliveryStatus { pending, sent, failed, suppressed };
std::string_view to_string(DeliveryStatus status);

struct NewDelivery {
    std::int64_t event_id = 0;
    std::int64_t alert_id = 0;
    std::string channel;
    std::string channel_type; // webhook | email | sms | inbox
    std::string recipient;
    std::optional<std::int64_t> operator_id;
    DeliveryStatus status = DeliveryStatus::pending;
    std::optional<base::SysTime> next_attempt_at; // pending: when it may leave
    std::optional<std::string> last_error;        // suppressed: why
};

// Ignored when the (event, channel, recipient) row exists already, so routing
// an event twice never doubles its deliveries. True if inserted.
bool insert_delivery(Database& db, const NewDelivery& delivery, base::SysTime at);

struct DueDelivery {
    std::int64_t delivery_id = 0;
    std::int64_t event_id = 0;
    std::string channel;
    std::string channel_type;
    std::string recipient;
    int attempts = 0;
};

// Pending deliveries whose next_attempt_at has come, soonest first.
std::vector<DueDelivery> due_deliveries(Database& db, base::SysTime now, int limit);

// The earliest next_attempt_at of a pending delivery.
std::optional<base::SysTime> next_due_time(Database& db);

void mark_delivery_sent(Database& db, std::int64_t delivery_id, base::SysTime at);
// One more failed attempt; next_attempt nullopt: failed for good.
void mark_delivery_failed(Database& db, std::int64_t delivery_id, std::string_view error,
                          std::optional<base::SysTime> next_attempt);

// Open alerts raised at or before `raised_by` that this route has not
// escalated yet, oldest first.
std::vector<AlertView> alerts_to_escalate(Database& db, std::string_view route, base::SysTime raised_by, int limit);

// Adds the route's 'escalated' event unless there is one; true if added.
bool add_escalation_event(Database& db, std::int64_t alert_id, std::string_view route, base::SysTime at);

struct DeliveryView {
    std::int64_t delivery_id = 0;
    std::int64_t event_id = 0;
    std::string event;
    std::string channel;
    std::string channel_type;
    std::string recipient; // unmasked: the API masks it
    std::string status;
    int attempts = 0;
    std::optional<std::string> next_attempt_at;
    std::optional<std::string> last_error;
    std::string created_at;
    std::optional<std::string> sent_at;
};

// Oldest first.
std::vector<DeliveryView> list_deliveries(Database& db, std::int64_t alert_id);

struct InboxItem {
    std::int64_t message_id = 0; // the delivery's id
    std::string event;
    std::string at; // when it was delivered to the inbox
    std::optional<std::string> read_at;
    AlertView alert;
};

// The operator's inbox, newest first; before_id pages.
std::vector<InboxItem> list_inbox(Database& db, std::int64_t operator_id, bool unread_only,
                                  std::optional<std::int64_t> before_id, int limit);

enum class ReadResult { marked, already_read, not_found };
ReadResult mark_inbox_read(Database& db, std::int64_t operator_id, std::int64_t message_id, base::SysTime at);

} // namespace csms::store
