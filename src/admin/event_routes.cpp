#include "admin/api_json.hpp"
#include "admin/routes.hpp"
#include "store/event_view.hpp"

#include <charconv>

namespace csms::admin {
namespace {

constexpr int max_events_per_answer = 500;
constexpr int max_wait_s = 30;
// How often a waiting watcher looks again. The events are rows the writer
// commits in batches, so a quarter second is below what a person notices
// and costs one indexed query per watcher.
constexpr std::chrono::milliseconds poll_interval{250};

int wait_seconds(const ApiCall& call)
{
    auto text = call.query_value("wait");
    if (!text) {
        return 0;
    }
    int value = -1;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc{} || end != text->data() + text->size() || value < 0 || value > max_wait_s) {
        throw ApiError(400, "bad_request", "wait must be 0 to 30 seconds");
    }
    return value;
}

// What each type of event says beyond when, where and its type.
void write_fields(JsonWriter& w, const store::EventView& e)
{
    switch (e.source) {
    case store::EventSource::status:
        write_string(w, "status", e.what);
        write_string(w, "error_code", e.detail);
        return;
    case store::EventSource::alert:
        write_string(w, "kind", e.what);
        write_string(w, "message", e.detail);
        write_string(w, "event", e.event);
        write_int(w, "alert_id", e.alert_id);
        write_string(w, "severity", e.severity);
        write_string(w, "acknowledged_by", e.acknowledged_by);
        return;
    case store::EventSource::connection:
        if (e.type == "connected") {
            write_string(w, "remote_address", e.remote_address);
        }
        return;
    case store::EventSource::charger:
        if (e.type == "boot") {
            write_string(w, "registration", e.registration);
            write_string(w, "vendor", e.vendor);
            write_string(w, "model", e.model);
            write_string(w, "firmware_version", e.firmware_version);
            return;
        }
        write_int(w, "transaction_id", e.transaction_id);
        if (e.type == "transaction_started") {
            write_int(w, "meter_start_wh", e.meter_start_wh);
        } else {
            write_int(w, "energy_wh", e.energy_wh);
            write_string(w, "stop_reason", e.stop_reason);
        }
        return;
    }
}

HttpResponse events_response(const std::vector<store::EventView>& events, const store::EventCursor& cursor)
{
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    w.Key("items");
    w.StartArray();
    for (const auto& e : events) {
        w.StartObject();
        write_string(w, "type", e.type);
        write_string(w, "at", e.at);
        write_string(w, "charger_id", e.charger_id);
        write_int(w, "connector_id", e.connector_id);
        write_fields(w, e);
        w.EndObject();
    }
    w.EndArray();
    write_next(w, cursor.to_string());
    w.EndObject();
    return json_ok(buffer);
}

// Polls on the admin thread until events arrive or the wait is over.
void poll(ApiContext& ctx, store::EventCursor cursor, std::chrono::steady_clock::time_point deadline, Finish finish)
{
    std::vector<store::EventView> events;
    try {
        events = store::events_after(ctx.reader, cursor, max_events_per_answer);
    } catch (const std::exception&) {
        finish(ApiReply{json_error(500, "internal", "the events could not be read"), AuditNote{}});
        return;
    }
    if (!events.empty() || std::chrono::steady_clock::now() >= deadline) {
        finish(ApiReply{events_response(events, cursor), AuditNote{}});
        return;
    }
    ctx.run_after(poll_interval, [&ctx, cursor, deadline, finish = std::move(finish)]() mutable {
        poll(ctx, cursor, deadline, std::move(finish));
    });
}

} // namespace

void add_event_routes(Router& router, ApiContext& ctx)
{
    // GET /api/v1/events?cursor=&wait=S: without a cursor, no items and the
    // cursor for "now"; with one, what happened since (status changes,
    // alerts, connections, boots, transactions), waiting up to S seconds for
    // the first event.
    router.add({"GET", "/api/v1/events", "events.watch", Permission::chargers_read,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    int wait = wait_seconds(*call);
                    auto text = call->cursor();
                    if (!text) {
                        finish(ApiReply{events_response({}, store::latest_event_cursor(ctx.reader)), AuditNote{}});
                        return;
                    }
                    auto cursor = store::EventCursor::parse(*text);
                    if (!cursor) {
                        throw ApiError(400, "bad_request", "cursor must be the 'next' of a previous answer");
                    }
                    poll(ctx, *cursor, std::chrono::steady_clock::now() + std::chrono::seconds(wait),
                         std::move(finish));
                }});
}

} // namespace csms::admin
