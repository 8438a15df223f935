// POST /api/v1/chargers/{charger_id}/commands/{Action}: an operator's CALL to
// a charger. The answer waits for the charger (or the call timeout), then
// for one writer job that records the command in its history and applies
// what the CSMS tracks from it, so the history never misses a command an
// operator was told about. GET /api/v1/commands[/{id}]: that history.
#include "admin/api_json.hpp"
#include "admin/routes.hpp"
#include "base/time_format.hpp"
#include "csms/command_effects.hpp"
#include "csms/command_redaction.hpp"
#include "proxy/migration.hpp"
#include "store/command_store.hpp"

#include <algorithm>
#include <charconv>

namespace csms::admin {
namespace {

// RemoteStart, ReserveNow, SendLocalList and the like name id tags, which
// identify customers: reading them back is a read of personal data.
bool names_id_tags(const store::CommandRecord& record)
{
    return record.request.find("idTag") != std::string::npos || record.request.find("parentIdTag") != std::string::npos;
}

struct CommandSpec {
    const char* action;
    Permission permission;
};

// The central-system-initiated actions of OCPP 1.6 and its security
// extension. Day-to-day operations need commands.operate; whatever changes
// how a charger works (or what it trusts) needs commands.technical.
constexpr CommandSpec command_specs[] = {
    {"RemoteStartTransaction", Permission::commands_operate},
    {"RemoteStopTransaction", Permission::commands_operate},
    {"UnlockConnector", Permission::commands_operate},
    {"ChangeAvailability", Permission::commands_operate},
    {"TriggerMessage", Permission::commands_operate},
    {"ExtendedTriggerMessage", Permission::commands_operate},
    {"ReserveNow", Permission::commands_operate},
    {"CancelReservation", Permission::commands_operate},
    {"ClearCache", Permission::commands_operate},
    {"DataTransfer", Permission::commands_operate},
    {"GetLocalListVersion", Permission::commands_operate},
    {"GetConfiguration", Permission::commands_operate},
    {"GetCompositeSchedule", Permission::commands_operate},
    {"Reset", Permission::commands_technical},
    {"ChangeConfiguration", Permission::commands_technical},
    {"GetDiagnostics", Permission::commands_technical},
    {"UpdateFirmware", Permission::commands_technical},
    {"SendLocalList", Permission::commands_technical},
    {"SetChargingProfile", Permission::commands_technical},
    {"ClearChargingProfile", Permission::commands_technical},
    {"CertificateSigned", Permission::commands_technical},
    {"InstallCertificate", Permission::commands_technical},
    {"DeleteCertificate", Permission::commands_technical},
    {"GetInstalledCertificateIds", Permission::commands_technical},
    {"GetLog", Permission::commands_technical},
    {"SignedUpdateFirmware", Permission::commands_technical},
};

std::string to_text(const rapidjson::Value& value)
{
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    value.Accept(w);
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string error_details(const std::string& code, const std::string& description)
{
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    write_string(w, "errorCode", code);
    write_string(w, "errorDescription", description);
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

// How a CALL's outcome is stored, answered and audited.
struct Verdict {
    store::CommandOutcome outcome;
    unsigned http_status;
    std::string code; // empty: success
    std::string message;
    std::string audit;
    std::optional<std::string> stored_response;
};

Verdict judge(const std::string& charger_id, const ocpp::CallOutcome& o)
{
    using Kind = ocpp::CallOutcome::Kind;
    using store::CommandOutcome;
    switch (o.kind) {
    case Kind::result: {
        auto status = o.payload.IsObject() && o.payload.HasMember("status") && o.payload["status"].IsString()
                          ? std::string(o.payload["status"].GetString())
                          : std::string("result");
        return {CommandOutcome::result, 200, "", "", status, to_text(o.payload)};
    }
    case Kind::call_error:
        return {CommandOutcome::call_error,
                502,
                "charger_error",
                "charger answered " + o.error_code + ": " + o.error_description,
                "CALLERROR " + o.error_code,
                error_details(o.error_code, o.error_description)};
    case Kind::timeout:
        return {CommandOutcome::timeout,
                504,
                "timed_out",
                "charger " + charger_id + " did not answer in time",
                "timed_out",
                std::nullopt};
    case Kind::closed:
        return {CommandOutcome::not_connected,
                409,
                "not_connected",
                "charger " + charger_id + " is not connected (" + o.error_description + ")",
                "not_connected",
                std::nullopt};
    case Kind::invalid_response:
        return {CommandOutcome::invalid_response,
                502,
                "invalid_response",
                "the charger's answer fails the response schema at " + o.error_description,
                "invalid_response",
                error_details(o.error_code, o.error_description)};
    case Kind::queue_full:
        return {CommandOutcome::busy, 503, "busy", "too many commands are queued for charger " + charger_id, "busy",
                std::nullopt};
    case Kind::invalid_request:
        break; // checked before sending; answered as a 400 without a row
    }
    return {CommandOutcome::result, 400,
            "invalid_payload",      "the payload fails its schema at " + o.error_description,
            "invalid_payload",      std::nullopt};
}

HttpResponse success(const store::CommandRecord& record, std::int64_t command_id, const rapidjson::Value& response)
{
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    write_int(w, "command_id", command_id);
    write_string(w, "charger_id", record.charger_id);
    write_string(w, "action", record.action);
    write_string(w, "outcome", store::to_string(record.outcome));
    write_string(w, "status", record.status);
    w.Key("response");
    response.Accept(w);
    w.EndObject();
    return json_ok(buffer);
}

// A migrating charger knows its sessions by its primary backend's ids, the
// operator by ours: the id is translated on the way to the charger, and
// the history keeps the operator's. A session csmsd started itself, or one
// the primary never numbered, keeps ours.
void to_charger_transaction_id(const ApiContext& ctx, const std::string& charger_id, rapidjson::Document& body)
{
    auto id = body.FindMember("transactionId");
    if (ctx.partners != nullptr && id != body.MemberEnd() && id->value.IsInt64()) {
        id->value.SetInt64(
            proxy::charger_transaction_id(ctx.reader, ctx.partners->current(), charger_id, id->value.GetInt64()));
    }
}

void send_command(ApiContext& ctx, const std::string& action, const ApiCall& call, Finish finish)
{
    const std::string& charger_id = call.param("charger_id");
    auto body = parse_object(call.request.body);
    if (!body) {
        throw ApiError(400, "bad_request", "the body must be the " + action + " payload as a JSON object");
    }
    if (auto violation = ctx.schemas.validate(action, ocpp::Direction::request, *body)) {
        throw ApiError(400, "invalid_payload",
                       "the " + action + " payload fails its schema at " + violation->detail + " (" +
                           std::string(violation->what) + ")");
    }
    auto record = std::make_shared<store::CommandRecord>();
    record->charger_id = charger_id;
    record->action = action;
    // The charger gets the payload as sent; history keeps it without secrets.
    rapidjson::Document stored;
    stored.CopyFrom(*body, stored.GetAllocator());
    redact_command_request(action, stored, stored.GetAllocator());
    record->request = to_text(stored);
    record->operator_name = call.caller.name;
    record->requested_at = ctx.clock.now_utc();

    // Runs on the charger's strand, or at once when it is not connected:
    // no reader connection here, and nothing that blocks.
    auto done = [&writer = ctx.writer, &clock = ctx.clock, record, finish](ocpp::CallOutcome outcome) {
        redact_command_response(record->action, outcome.payload, outcome.payload.GetAllocator());
        auto verdict = std::make_shared<Verdict>(judge(record->charger_id, outcome));
        AuditNote note{record->charger_id, verdict->audit, false};
        if (verdict->http_status == 400) {
            finish(ApiReply{json_error(400, verdict->code, verdict->message), std::move(note)});
            return;
        }
        record->outcome = verdict->outcome;
        record->response = verdict->stored_response;
        record->finished_at = clock.now_utc();
        if (outcome.kind == ocpp::CallOutcome::Kind::result && outcome.payload.IsObject()) {
            if (auto it = outcome.payload.FindMember("status");
                it != outcome.payload.MemberEnd() && it->value.IsString()) {
                record->status = it->value.GetString();
            }
        }
        auto response = std::make_shared<rapidjson::Document>(std::move(outcome.payload));
        auto command_id = std::make_shared<std::int64_t>(0);
        writer.submit(
            [record, response, command_id](store::Database& db) {
                *command_id = record_command_and_effects(db, *record, response.get());
            },
            [record, response, command_id, verdict, note, finish](bool ok) {
                if (!ok) {
                    finish(ApiReply{
                        json_error(500, "internal", "the command's outcome could not be stored; see the server log"),
                        note});
                } else if (verdict->http_status == 200) {
                    finish(ApiReply{success(*record, *command_id, *response), note});
                } else {
                    finish(ApiReply{json_error(verdict->http_status, verdict->code,
                                               verdict->message + " (command " + std::to_string(*command_id) + ")"),
                                    note});
                }
            });
    };
    if (action == "RemoteStopTransaction") {
        to_charger_transaction_id(ctx, charger_id, *body);
    }
    ctx.commands.send(charger_id, action, std::move(*body), std::move(done));
}

void write_command(JsonWriter& w, const store::CommandRecord& r)
{
    w.StartObject();
    write_int(w, "command_id", r.command_id);
    write_string(w, "charger_id", r.charger_id);
    write_string(w, "action", r.action);
    write_raw_json(w, "request", r.request);
    write_string(w, "operator", r.operator_name);
    write_string(w, "requested_at", base::format_date_time(r.requested_at));
    write_string(w, "outcome", store::to_string(r.outcome));
    write_string(w, "status", r.status);
    write_raw_json(w, "response", r.response);
    write_string(w, "finished_at", base::format_date_time(r.finished_at));
    w.EndObject();
}

std::optional<std::int64_t> parse_id(const std::string& text)
{
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value <= 0) {
        return std::nullopt;
    }
    return value;
}

} // namespace

void add_command_routes(Router& router, ApiContext& ctx)
{
    for (const auto& spec : command_specs) {
        std::string action = spec.action;
        router.add({"POST", "/api/v1/chargers/{charger_id}/commands/" + action, "commands." + action, spec.permission,
                    [&ctx, action](std::shared_ptr<const ApiCall> call, Finish finish) {
                        send_command(ctx, action, *call, std::move(finish));
                    }});
    }
    // After the concrete routes: any other action name is refused as such,
    // not as a missing path.
    router.add({"POST", "/api/v1/chargers/{charger_id}/commands/{action}", "commands.{action}",
                Permission::authenticated, [](std::shared_ptr<const ApiCall> call, Finish) {
                    throw ApiError(400, "unknown_action",
                                   "'" + call->param("action") +
                                       "' is not a command a central system sends in OCPP 1.6");
                }});

    // GET /api/v1/commands?charger=&action=&limit=&cursor=
    router.add({"GET", "/api/v1/commands", "commands.list", Permission::commands_read,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    store::CommandFilter filter;
                    filter.charger_id = call->query_value("charger");
                    filter.action = call->query_value("action");
                    filter.limit = call->page_limit();
                    filter.before_id = call->cursor_id();
                    auto rows = store::list_commands(ctx.reader, filter);
                    auto cursor_of = [](const store::CommandRecord& r) { return std::to_string(r.command_id); };
                    bool personal = std::any_of(rows.begin(), rows.end(), names_id_tags);
                    finish(ApiReply{page_response(rows, filter.limit, write_command, cursor_of),
                                    AuditNote{filter.charger_id, "ok", personal}});
                }});

    router.add({"GET", "/api/v1/commands/{command_id}", "commands.get", Permission::commands_read,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    const auto& text = call->param("command_id");
                    auto id = parse_id(text);
                    auto record = id ? store::find_command(ctx.reader, *id) : std::nullopt;
                    if (!record) {
                        throw ApiError(404, "not_found", "no command " + text);
                    }
                    rapidjson::StringBuffer buffer;
                    JsonWriter w(buffer);
                    write_command(w, *record);
                    finish(ApiReply{json_ok(buffer), AuditNote{record->charger_id, "ok", names_id_tags(*record)}});
                }});
}

} // namespace csms::admin
