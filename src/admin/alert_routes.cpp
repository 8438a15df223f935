// GET /api/v1/alerts[/{alert_id}]: alerts and their history, newest first.
// POST /api/v1/alerts/{alert_id}/ack: an operator takes an open alert in
// hand, with an optional note; the alert stays until its condition clears it.
// POST /api/v1/alerts/{alert_id}/close: an operator clears an alert its
// condition never will (its charger is gone), saying why.
#include "admin/api_json.hpp"
#include "admin/routes.hpp"
#include "base/concat.hpp"
#include "store/alert_store.hpp"

#include <charconv>
#include <cstddef>
#include <memory>

namespace csms::admin {
namespace {

// Long enough for a sentence or two; the note is kept for good.
constexpr std::size_t max_note_length = 1000;

void write_alert(JsonWriter& w, const store::AlertView& a)
{
    w.StartObject();
    write_int(w, "alert_id", a.id);
    write_string(w, "state", a.state);
    write_string(w, "severity", a.severity);
    write_string(w, "kind", a.kind);
    write_string(w, "rule", a.rule);
    write_string(w, "charger_id", a.charger_id);
    write_string(w, "region", a.region);
    write_int(w, "connector_id", a.connector_id);
    write_string(w, "message", a.message);
    write_string(w, "source_ref", a.source_ref);
    write_string(w, "raised_at", a.raised_at);
    write_string(w, "last_seen_at", a.last_seen_at);
    write_string(w, "acknowledged_at", a.acknowledged_at);
    write_string(w, "acknowledged_by", a.acknowledged_by);
    write_string(w, "ack_note", a.ack_note);
    write_string(w, "cleared_at", a.cleared_at);
    write_string(w, "cleared_by", a.cleared_by);
    write_string(w, "clear_reason", a.clear_reason);
    w.EndObject();
}

HttpResponse alert_response(const store::AlertView& alert)
{
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    write_alert(w, alert);
    return json_ok(buffer);
}

// The {alert_id} of the path; 404 for anything that is not a positive id.
std::int64_t alert_id(const ApiCall& call)
{
    const auto& text = call.param("alert_id");
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value <= 0) {
        throw ApiError(404, "not_found", "no alert " + text);
    }
    return value;
}

// {"note": "..."}, {"note": null}, {} or an empty body.
std::optional<std::string> ack_note(const std::string& body)
{
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
        return std::nullopt;
    }
    auto doc = parse_object(body);
    if (!doc) {
        throw ApiError(400, "bad_request", "the body must be a JSON object, e.g. {\"note\": \"on site at 14:00\"}");
    }
    auto it = doc->FindMember("note");
    if (it == doc->MemberEnd() || it->value.IsNull()) {
        return std::nullopt;
    }
    if (!it->value.IsString() || it->value.GetStringLength() > max_note_length) {
        throw ApiError(400, "bad_request",
                       "note must be a string of at most " + std::to_string(max_note_length) + " characters");
    }
    return std::string(it->value.GetString(), it->value.GetStringLength());
}

// {"reason": "..."}: required, so the history says why nobody fixed it.
std::string close_reason(const std::string& body)
{
    auto doc = parse_object(body);
    const rapidjson::Value* reason = doc && doc->HasMember("reason") ? &(*doc)["reason"] : nullptr;
    if (reason == nullptr || !reason->IsString() || reason->GetStringLength() == 0 ||
        reason->GetStringLength() > max_note_length) {
        throw ApiError(400, "bad_request",
                       base::concat("give a reason of 1 to ", std::to_string(max_note_length),
                                    R"( characters, as {"reason": "charger removed from site"})"));
    }
    return std::string(reason->GetString(), reason->GetStringLength());
}

struct CloseJob {
    store::CloseResult result = store::CloseResult::not_found;
    std::optional<store::AlertView> alert;
};

struct AckJob {
    store::AckResult result = store::AckResult::not_found;
    std::optional<store::AlertView> alert;
};

} // namespace

void add_alert_routes(Router& router, ApiContext& ctx)
{
    // GET /api/v1/alerts?state=&charger=&severity=&limit=&cursor=
    router.add(
        {"GET", "/api/v1/alerts", "alerts.list", Permission::alerts_read,
         [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
             store::AlertFilter filter;
             if (auto state = call->query_value("state")) {
                 filter.state = store::parse_alert_state(*state);
                 if (!filter.state) {
                     throw ApiError(400, "bad_request", "state must be open, acknowledged or cleared");
                 }
             }
             if (auto severity = call->query_value("severity")) {
                 filter.severity = store::parse_alert_severity(*severity);
                 if (!filter.severity) {
                     throw ApiError(400, "bad_request", "severity must be info, warning or critical");
                 }
             }
             filter.charger_id = call->query_value("charger");
             filter.limit = call->page_limit();
             filter.before_id = call->cursor_id();
             auto rows = store::list_alerts(ctx.reader, filter);
             auto cursor_of = [](const store::AlertView& a) { return std::to_string(a.id); };
             finish(ApiReply{page_response(rows, filter.limit, write_alert, cursor_of), AuditNote{filter.charger_id}});
         }});

    router.add({"GET", "/api/v1/alerts/{alert_id}", "alerts.get", Permission::alerts_read,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    auto id = alert_id(*call);
                    auto alert = store::find_alert(ctx.reader, id);
                    if (!alert) {
                        finish(ApiReply{json_error(404, "not_found", "no alert " + std::to_string(id)),
                                        AuditNote{std::to_string(id)}});
                        return;
                    }
                    finish(ApiReply{alert_response(*alert), AuditNote{std::to_string(id)}});
                }});

    // Decided inside the writer's batch, so two operators acknowledging the
    // same alert at once get one 200 and one 409.
    router.add(
        {"POST", "/api/v1/alerts/{alert_id}/ack", "alerts.ack", Permission::alerts_ack,
         [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
             auto id = alert_id(*call);
             std::optional<std::string> note;
             try {
                 note = ack_note(call->request.body);
             } catch (const ApiError& e) {
                 // Audited against the alert like every other answer here.
                 finish(ApiReply{json_error(e.status(), e.code(), e.what()), AuditNote{std::to_string(id)}});
                 return;
             }
             auto job = std::make_shared<AckJob>();
             auto at = ctx.clock.now_utc();
             ctx.writer.submit(
                 [id, note, at, job, name = call->caller.name](store::Database& db) {
                     job->result = store::acknowledge_alert(db, id, name, note, at);
                     job->alert = store::find_alert(db, id);
                 },
                 [id, job, finish](bool ok) {
                     AuditNote audit{std::to_string(id)};
                     if (!ok) {
                         finish(
                             ApiReply{json_error(500, "internal", "the acknowledgement could not be stored"), audit});
                         return;
                     }
                     switch (job->result) {
                     case store::AckResult::acknowledged:
                         finish(ApiReply{alert_response(*job->alert), audit});
                         return;
                     case store::AckResult::not_found:
                         finish(ApiReply{json_error(404, "not_found", "no alert " + std::to_string(id)), audit});
                         return;
                     case store::AckResult::already_acknowledged:
                         finish(ApiReply{json_error(409, "already_acknowledged",
                                                    "alert " + std::to_string(id) + " is acknowledged already" +
                                                        (job->alert && job->alert->acknowledged_by
                                                             ? " by " + *job->alert->acknowledged_by
                                                             : std::string()) +
                                                        "; acknowledge it once"),
                                         audit});
                         return;
                     case store::AckResult::cleared:
                         finish(ApiReply{
                             json_error(409, "already_cleared", "alert " + std::to_string(id) + " is cleared"), audit});
                         return;
                     }
                 });
         }});

    // Like the ack, decided inside the writer's batch: of two closes at once
    // one succeeds and one hears already_cleared.
    router.add({"POST", "/api/v1/alerts/{alert_id}/close", "alerts.close", Permission::alerts_ack,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    auto id = alert_id(*call);
                    AuditNote audit{std::to_string(id)};
                    std::string reason;
                    try {
                        reason = close_reason(call->request.body);
                    } catch (const ApiError& e) {
                        finish(ApiReply{json_error(e.status(), e.code(), e.what()), audit});
                        return;
                    }
                    auto job = std::make_shared<CloseJob>();
                    auto at = ctx.clock.now_utc();
                    ctx.writer.submit(
                        [id, reason, at, job, name = call->caller.name](store::Database& db) {
                            job->result = store::close_alert(db, id, name, reason, at);
                            job->alert = store::find_alert(db, id);
                        },
                        [id, job, audit, finish](bool ok) {
                            if (!ok) {
                                finish(ApiReply{json_error(500, "internal", "the close could not be stored"), audit});
                                return;
                            }
                            switch (job->result) {
                            case store::CloseResult::closed:
                                finish(ApiReply{alert_response(*job->alert), audit});
                                return;
                            case store::CloseResult::not_found:
                                finish(ApiReply{json_error(404, "not_found", "no alert " + std::to_string(id)), audit});
                                return;
                            case store::CloseResult::already_cleared:
                                finish(ApiReply{json_error(409, "already_cleared",
                                                           "alert " + std::to_string(id) + " is cleared already"),
                                                audit});
                                return;
                            }
                        });
                }});
}

} // namespace csms::admin
