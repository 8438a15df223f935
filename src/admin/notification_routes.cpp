// The operator's side of notifications:
// GET /api/v1/inbox: the calling operator's in-system messages, newest first;
// POST /api/v1/inbox/{message_id}/read: mark one read (own messages only);
// GET /api/v1/alerts/{alert_id}/deliveries: how an alert's notifications
// went, with addresses partly masked.
#include "admin/api_json.hpp"
#include "admin/routes.hpp"
#include "store/notification_store.hpp"

#include <charconv>
#include <memory>

namespace csms::admin {
namespace {

// A positive id from the path; 404 otherwise.
std::int64_t path_id(const ApiCall& call, std::string_view name, const std::string& what)
{
    const auto& text = call.param(name);
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value <= 0) {
        throw ApiError(404, "not_found", "no " + what + " " + text);
    }
    return value;
}

void write_inbox_item(JsonWriter& w, const store::InboxItem& item)
{
    const auto& a = item.alert;
    w.StartObject();
    write_int(w, "message_id", item.message_id);
    write_string(w, "event", item.event);
    write_string(w, "at", item.at);
    write_string(w, "read_at", item.read_at);
    write_int(w, "alert_id", a.id);
    write_string(w, "severity", a.severity);
    write_string(w, "kind", a.kind);
    write_string(w, "rule", a.rule);
    write_string(w, "charger_id", a.charger_id);
    write_int(w, "connector_id", a.connector_id);
    write_string(w, "message", a.message);
    write_string(w, "state", a.state);
    write_string(w, "raised_at", a.raised_at);
    w.EndObject();
}

void write_delivery(JsonWriter& w, const store::DeliveryView& d)
{
    w.StartObject();
    write_int(w, "delivery_id", d.delivery_id);
    write_string(w, "event", d.event);
    write_string(w, "channel", d.channel);
    write_string(w, "channel_type", d.channel_type);
    write_string(w, "recipient", mask_recipient(d.channel_type, d.recipient));
    write_string(w, "status", d.status);
    write_int(w, "attempts", std::int64_t{d.attempts});
    write_string(w, "next_attempt_at", d.next_attempt_at);
    write_string(w, "last_error", d.last_error);
    write_string(w, "created_at", d.created_at);
    write_string(w, "sent_at", d.sent_at);
    w.EndObject();
}

} // namespace

std::string mask_recipient(std::string_view channel_type, const std::string& recipient)
{
    if (channel_type == "email") {
        auto at = recipient.find('@');
        if (at == std::string::npos) {
            return recipient; // an operator's name: the address was missing
        }
        return recipient.substr(0, 1) + "***" + recipient.substr(at);
    }
    if (channel_type == "sms" && recipient.size() > 7 && recipient.front() == '+') {
        return recipient.substr(0, 3) + std::string(recipient.size() - 7, '*') + recipient.substr(recipient.size() - 4);
    }
    return recipient; // an operator's name (inbox) or a channel's (webhook)
}

void add_notification_routes(Router& router, ApiContext& ctx)
{
    // GET /api/v1/inbox?unread=1&limit=&cursor=
    router.add(
        {"GET", "/api/v1/inbox", "inbox.list", Permission::authenticated,
         [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
             auto unread = call->query_value("unread");
             if (unread && *unread != "0" && *unread != "1" && *unread != "true" && *unread != "false") {
                 throw ApiError(400, "bad_request", "unread must be 1 or 0");
             }
             bool unread_only = unread && (*unread == "1" || *unread == "true");
             int limit = call->page_limit();
             auto rows = store::list_inbox(ctx.reader, call->caller.operator_id, unread_only, call->cursor_id(), limit);
             auto cursor_of = [](const store::InboxItem& i) { return std::to_string(i.message_id); };
             finish(ApiReply{page_response(rows, limit, write_inbox_item, cursor_of), AuditNote{call->caller.name}});
         }});

    router.add({"POST", "/api/v1/inbox/{message_id}/read", "inbox.read", Permission::authenticated,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    auto id = path_id(*call, "message_id", "message");
                    auto result = std::make_shared<store::ReadResult>(store::ReadResult::not_found);
                    auto at = ctx.clock.now_utc();
                    ctx.writer.submit(
                        [id, at, result, caller = call->caller.operator_id](store::Database& db) {
                            *result = store::mark_inbox_read(db, caller, id, at);
                        },
                        [id, result, finish](bool ok) {
                            AuditNote audit{std::to_string(id)};
                            if (!ok) {
                                finish(ApiReply{json_error(500, "internal", "could not mark the message read"), audit});
                                return;
                            }
                            if (*result == store::ReadResult::not_found) {
                                // Someone else's message is "not found" too: its existence is not yours to know.
                                finish(ApiReply{
                                    json_error(404, "not_found", "no message " + std::to_string(id) + " in your inbox"),
                                    audit});
                                return;
                            }
                            rapidjson::StringBuffer buffer;
                            JsonWriter w(buffer);
                            w.StartObject();
                            write_int(w, "message_id", id);
                            write_bool(w, "read", true);
                            write_bool(w, "already_read", *result == store::ReadResult::already_read);
                            w.EndObject();
                            finish(ApiReply{json_ok(buffer), audit});
                        });
                }});

    router.add(
        {"GET", "/api/v1/alerts/{alert_id}/deliveries", "alerts.deliveries", Permission::alerts_read,
         [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
             auto id = path_id(*call, "alert_id", "alert");
             AuditNote audit{std::to_string(id)};
             if (!store::find_alert(ctx.reader, id)) {
                 finish(ApiReply{json_error(404, "not_found", "no alert " + std::to_string(id)), audit});
                 return;
             }
             auto rows = store::list_deliveries(ctx.reader, id);
             auto no_cursor = [](const store::DeliveryView&) { return std::string(); };
             // Masked, but still a trace of people's addresses.
             audit.personal_data = !rows.empty();
             finish(ApiReply{page_response(rows, static_cast<int>(rows.size()) + 1, write_delivery, no_cursor), audit});
         }});
}

} // namespace csms::admin
