// Billing records (docs/billing.md):
//   GET  /api/v1/billing                           records, newest first, filtered
//   GET  /api/v1/billing/{record_id}               one record, its lines and its adjustments
//   POST /api/v1/billing/{record_id}/adjustments   a correction: a new record referencing it
//   GET  /api/v1/billing/tariffs                   the tariffs and assignments in force
//   POST /api/v1/billing/tariffs/reload            re-read the tariffs file
// Records carry the customer's id tag, so every answer that lists them is
// audited as personal data.
#include "admin/api_json.hpp"
#include "admin/routes.hpp"
#include "base/time_format.hpp"
#include "billing/tariff_text.hpp"
#include "store/billing_store.hpp"
#include "store/billing_view.hpp"
#include "store/time_column.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <vector>

namespace csms::admin {
namespace {

constexpr std::size_t max_reason_length = 1000;
// No single correction moves more than ten million in the currency.
constexpr std::int64_t max_adjustment_minor = 1'000'000'000;

void write_line(JsonWriter& w, const store::BillingLineRow& l)
{
    w.StartObject();
    write_int(w, "line", l.line_no);
    write_string(w, "item", l.item);
    write_string(w, "period", l.period);
    write_number(w, "quantity", l.quantity);
    write_int(w, "unit_price", l.unit_price);
    write_int(w, "amount", l.amount);
    w.EndObject();
}

void write_record(JsonWriter& w, const store::BillingRecordRow& r)
{
    w.StartObject();
    write_int(w, "record_id", r.record_id);
    write_string(w, "kind", r.kind);
    write_string(w, "status", r.status);
    write_int(w, "transaction_id", r.transaction_id);
    write_int(w, "adjusts_record_id", r.adjusts_record_id);
    write_string(w, "charger_id", r.charger_id);
    write_int(w, "connector_id", r.connector_id);
    write_string(w, "id_tag", r.id_tag);
    write_string(w, "tag_group", r.tag_group);
    write_string(w, "payment_method", r.payment_method);
    write_string(w, "region", r.region);
    write_string(w, "tariff", r.tariff);
    write_string(w, "currency", r.currency);
    write_string(w, "started_at", r.started_at);
    write_string(w, "stopped_at", r.stopped_at);
    write_string(w, "time_zone", r.time_zone);
    write_string(w, "started_local", r.started_local);
    write_string(w, "stopped_local", r.stopped_local);
    write_int(w, "meter_start_wh", r.meter_start_wh);
    write_int(w, "meter_stop_wh", r.meter_stop_wh);
    write_int(w, "energy_wh", r.energy_wh);
    write_int(w, "sampled_energy_wh", r.sampled_energy_wh);
    write_int(w, "total", r.total);
    w.Key("anomalies");
    w.StartArray();
    for (std::size_t from = 0; from < r.anomalies.size();) {
        auto comma = r.anomalies.find(',', from);
        auto word = r.anomalies.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
        w.String(word.c_str(), static_cast<rapidjson::SizeType>(word.size()));
        from = comma == std::string::npos ? r.anomalies.size() : comma + 1;
    }
    w.EndArray();
    write_string(w, "reason", r.reason);
    write_string(w, "issued_by", r.issued_by);
    write_string(w, "issued_at", r.issued_at);
    w.Key("lines");
    w.StartArray();
    for (const auto& line : r.lines) {
        write_line(w, line);
    }
    w.EndArray();
    w.Key("adjusted_by");
    w.StartArray();
    for (auto id : r.adjusted_by) {
        w.Int64(id);
    }
    w.EndArray();
    w.EndObject();
}

HttpResponse record_response(const store::BillingRecordRow& r, unsigned status = 200)
{
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    write_record(w, r);
    return json_ok(buffer, status);
}

std::int64_t positive_id(const std::string& text, const char* what)
{
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value <= 0) {
        throw ApiError(404, "not_found", std::string("no ") + what + " " + text);
    }
    return value;
}

// A date is the start of that day in the tariffs' time zone; a date-time
// is taken as it is.
std::optional<std::string> time_bound(const ApiCall& call, const char* name, const ApiContext& ctx)
{
    auto text = call.query_value(name);
    if (!text) {
        return std::nullopt;
    }
    if (text->size() == 10) {
        if (auto midnight = base::parse_date_time(*text + "T00:00:00Z")) {
            auto book = ctx.current_tariffs ? ctx.current_tariffs() : nullptr;
            if (book && book->zone) {
                using namespace std::chrono;
                auto local = local_seconds{floor<seconds>(midnight->time_since_epoch())};
                return store::to_column(book->zone->from_local(local));
            }
            return store::to_column(*midnight);
        }
    }
    auto instant = base::parse_date_time(*text);
    if (!instant) {
        throw ApiError(400, "bad_request",
                       std::string(name) + " must be a date (2026-03-29) or a date-time (2026-03-29T08:00:00Z)");
    }
    return store::to_column(*instant);
}

store::BillingFilter filter_of(const ApiCall& call, const ApiContext& ctx)
{
    store::BillingFilter f;
    f.from_time = time_bound(call, "from", ctx);
    f.to_time = time_bound(call, "to", ctx);
    f.charger_id = call.query_value("charger");
    f.region = call.query_value("region");
    f.id_tag = call.query_value("id_tag");
    f.tag_group = call.query_value("tag_group");
    f.status = call.query_value("status");
    if (f.status && *f.status != "billed" && *f.status != "flagged" && *f.status != "adjustment") {
        throw ApiError(400, "bad_request", "status must be billed, flagged or adjustment");
    }
    if (auto tx = call.query_value("transaction")) {
        try {
            f.transaction_id = positive_id(*tx, "transaction");
        } catch (const ApiError&) {
            throw ApiError(400, "bad_request", "transaction must be a transaction id");
        }
    }
    f.limit = call.page_limit();
    f.before_id = call.cursor_id();
    return f;
}

struct Adjustment {
    std::int64_t amount = 0;
    std::string reason;
};

// {"amount": -500, "reason": "..."}: amount in minor units, not zero.
Adjustment adjustment_of(const std::string& body)
{
    auto doc = parse_object(body);
    if (!doc) {
        throw ApiError(400, "bad_request",
                       "the body must be a JSON object, e.g. {\"amount\": -500, \"reason\": \"refund: cable fault\"}");
    }
    Adjustment a;
    auto amount = doc->FindMember("amount");
    if (amount == doc->MemberEnd() || !amount->value.IsInt64() || amount->value.GetInt64() == 0 ||
        amount->value.GetInt64() > max_adjustment_minor || amount->value.GetInt64() < -max_adjustment_minor) {
        throw ApiError(400, "bad_request",
                       "amount must be a non-zero whole number of minor units (fen, cents), at most " +
                           std::to_string(max_adjustment_minor) + " either way");
    }
    a.amount = amount->value.GetInt64();
    auto reason = doc->FindMember("reason");
    if (reason == doc->MemberEnd() || !reason->value.IsString() || reason->value.GetStringLength() == 0 ||
        reason->value.GetStringLength() > max_reason_length) {
        throw ApiError(400, "bad_request",
                       "reason must be a string of 1 to " + std::to_string(max_reason_length) + " characters");
    }
    a.reason.assign(reason->value.GetString(), reason->value.GetStringLength());
    return a;
}

struct AdjustJob {
    enum class Outcome { issued, not_found, not_a_session } outcome = Outcome::not_found;
    std::int64_t adjusts_session = 0;
    std::optional<store::BillingRecordRow> record;
};

// Decided inside the writer's batch: the record adjusted is read there, so
// the adjustment copies what was committed.
void adjust(store::Database& db, AdjustJob& job, std::int64_t id, const Adjustment& a, const std::string& operator_name,
            base::SysTime at)
{
    auto original = store::find_billing_record(db, id);
    if (!original) {
        job.outcome = AdjustJob::Outcome::not_found;
        return;
    }
    if (original->kind != "session") {
        job.outcome = AdjustJob::Outcome::not_a_session;
        job.adjusts_session = original->adjusts_record_id.value_or(0);
        return;
    }
    store::NewBillingRecord r;
    r.kind = "adjustment";
    r.status = "adjustment";
    r.transaction_id = original->transaction_id;
    r.adjusts_record_id = id;
    r.charger_id = original->charger_id;
    r.connector_id = static_cast<int>(original->connector_id);
    r.id_tag = original->id_tag;
    r.tag_group = original->tag_group;
    r.payment_method = original->payment_method;
    r.region = original->region;
    r.tariff = original->tariff;
    r.currency = original->currency;
    r.started = store::time_from_column(original->started_at);
    r.stopped = store::time_from_column(original->stopped_at);
    r.time_zone = original->time_zone;
    r.started_local = original->started_local;
    r.stopped_local = original->stopped_local;
    r.meter_start_wh = original->meter_start_wh;
    r.meter_stop_wh = original->meter_stop_wh;
    r.energy_wh = original->energy_wh;
    r.sampled_energy_wh = original->sampled_energy_wh;
    r.total = a.amount;
    r.reason = a.reason;
    r.issued_by = operator_name;
    r.issued_at = at;
    r.lines.push_back({"adjustment", std::nullopt, 1, a.amount * 100, a.amount});
    auto new_id = store::insert_billing_record(db, r);
    job.record = store::find_billing_record(db, new_id);
    job.outcome = AdjustJob::Outcome::issued;
}

// A [[tariff.period]] as written: weekdays ([] for every day), windows,
// from/to (null when open).
void write_period(JsonWriter& w, const billing::PeriodRule& rule)
{
    w.StartObject();
    write_string(w, "period", rule.period);
    std::vector<std::string> days, windows;
    for (int day : rule.weekdays) {
        days.emplace_back(billing::weekday_names.at(static_cast<std::size_t>(day)));
    }
    for (const auto& window : rule.windows) {
        windows.push_back(billing::window_text(window));
    }
    write_strings(w, "weekdays", days);
    write_strings(w, "windows", windows);
    auto date = [](const std::optional<std::chrono::year_month_day>& d) {
        return d ? std::optional<std::string>(billing::date_text(*d)) : std::nullopt;
    };
    write_string(w, "from", date(rule.from_date));
    write_string(w, "to", date(rule.to_date));
    w.EndObject();
}

// The tariff as its [[tariff]] table says it: prices and the service fee in
// the currency per kWh with four decimals, the other fees with two, as
// decimal strings so no client turns 0.7823 into a float.
void write_tariff(JsonWriter& w, const billing::Tariff& t)
{
    w.StartObject();
    write_string(w, "name", t.name);
    write_string(w, "default_period", t.default_period);
    w.Key("prices");
    w.StartObject();
    for (const auto& [period, price] : t.energy_price) {
        write_string(w, period, billing::price_text(price));
    }
    w.EndObject();
    write_string(w, "service_fee_per_kwh", billing::price_text(t.service_fee_per_kwh));
    write_string(w, "idle_fee_per_minute", billing::fee_text(t.idle_fee_per_minute));
    write_int(w, "idle_grace_minutes", t.idle_grace.count());
    write_string(w, "session_fee", billing::fee_text(t.session_fee));
    write_string(w, "minimum_fee", billing::fee_text(t.minimum_fee));
    write_int(w, "line", t.line);
    w.Key("periods");
    w.StartArray();
    for (const auto& rule : t.schedule) {
        write_period(w, rule);
    }
    w.EndArray();
    w.EndObject();
}

std::string_view scope_name(billing::AssignmentScope scope)
{
    switch (scope) {
    case billing::AssignmentScope::tag_group:
        return "tag_group";
    case billing::AssignmentScope::charger:
        return "charger";
    case billing::AssignmentScope::region:
        return "region";
    case billing::AssignmentScope::everywhere:
        return "everywhere";
    }
    return "everywhere";
}

HttpResponse tariffs_response(const billing::TariffBook& book)
{
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    write_string(w, "currency", book.currency);
    write_string(w, "time_zone", book.zone ? book.zone->name() : std::string("UTC"));
    // In file order, as the operator reads them in the file.
    std::vector<const billing::Tariff*> in_file_order;
    for (const auto& [name, tariff] : book.tariffs) {
        in_file_order.push_back(&tariff);
    }
    std::sort(in_file_order.begin(), in_file_order.end(),
              [](const billing::Tariff* a, const billing::Tariff* b) { return a->line < b->line; });
    w.Key("tariffs");
    w.StartArray();
    for (const auto* tariff : in_file_order) {
        write_tariff(w, *tariff);
    }
    w.EndArray();
    w.Key("assignments");
    w.StartArray();
    for (const auto& a : book.assignments) {
        w.StartObject();
        write_string(w, "tariff", a.tariff);
        write_string(w, "scope", scope_name(a.scope));
        write_string(w, "value",
                     a.scope == billing::AssignmentScope::everywhere ? std::nullopt : std::optional(a.value));
        write_string(w, "from", billing::date_text(a.from_date));
        write_string(w, "effective_from", store::to_column(a.effective_from));
        write_int(w, "line", a.line);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return json_ok(buffer);
}

void require_billing(const ApiContext& ctx)
{
    if (!ctx.current_tariffs || !ctx.reload_tariffs) {
        throw ApiError(409, "no_billing", "csmsd runs without a tariffs file; set [billing] tariffs and restart it");
    }
}

} // namespace

void add_billing_routes(Router& router, ApiContext& ctx)
{
    // GET /api/v1/billing?from=&to=&charger=&region=&id_tag=&tag_group=&status=&transaction=&limit=&cursor=
    router.add(
        {"GET", "/api/v1/billing", "billing.list", Permission::billing_read,
         [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
             auto filter = filter_of(*call, ctx);
             auto rows = store::list_billing(ctx.reader, filter);
             auto cursor_of = [](const store::BillingRecordRow& r) { return std::to_string(r.record_id); };
             finish(ApiReply{page_response(rows, filter.limit, write_record, cursor_of),
                             AuditNote{filter.charger_id ? filter.charger_id : filter.id_tag, "ok", !rows.empty()}});
         }});

    router.add({"GET", "/api/v1/billing/tariffs", "billing.tariffs", Permission::billing_read,
                [&ctx](std::shared_ptr<const ApiCall>, Finish finish) {
                    require_billing(ctx);
                    finish(ApiReply{tariffs_response(*ctx.current_tariffs()), AuditNote{}});
                }});

    // Parsed on the admin thread, like the rules file; the engine bills
    // every session still queued with the new book.
    router.add({"POST", "/api/v1/billing/tariffs/reload", "billing.tariffs_reload", Permission::billing_manage,
                [&ctx](std::shared_ptr<const ApiCall>, Finish finish) {
                    require_billing(ctx);
                    std::shared_ptr<const billing::TariffBook> book;
                    try {
                        book = ctx.reload_tariffs();
                    } catch (const std::exception& e) {
                        finish(ApiReply{json_error(422, "invalid_tariffs",
                                                   std::string(e.what()) + " (the tariffs in force are unchanged)"),
                                        AuditNote{}});
                        return;
                    }
                    finish(ApiReply{tariffs_response(*book), AuditNote{}});
                }});

    router.add(
        {"GET", "/api/v1/billing/{record_id}", "billing.get", Permission::billing_read,
         [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
             auto id = positive_id(call->param("record_id"), "billing record");
             AuditNote audit{"billing_record:" + std::to_string(id)};
             auto record = store::find_billing_record(ctx.reader, id);
             if (!record) {
                 finish(ApiReply{json_error(404, "not_found", "no billing record " + std::to_string(id)), audit});
                 return;
             }
             audit.personal_data = true;
             finish(ApiReply{record_response(*record), audit});
         }});

    router.add(
        {"POST", "/api/v1/billing/{record_id}/adjustments", "billing.adjust", Permission::billing_adjust,
         [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
             auto id = positive_id(call->param("record_id"), "billing record");
             AuditNote audit{"billing_record:" + std::to_string(id)};
             Adjustment adjustment;
             try {
                 adjustment = adjustment_of(call->request.body);
             } catch (const ApiError& e) {
                 finish(ApiReply{json_error(e.status(), e.code(), e.what()), audit});
                 return;
             }
             auto job = std::make_shared<AdjustJob>();
             ctx.writer.submit(
                 [job, id, adjustment, name = call->caller.name, at = ctx.clock.now_utc()](store::Database& db) {
                     adjust(db, *job, id, adjustment, name, at);
                 },
                 [job, id, audit, finish](bool ok) mutable {
                     if (!ok) {
                         finish(ApiReply{json_error(500, "internal", "the adjustment could not be stored"), audit});
                         return;
                     }
                     switch (job->outcome) {
                     case AdjustJob::Outcome::issued:
                         audit.personal_data = true;
                         finish(ApiReply{record_response(*job->record, 201), audit});
                         return;
                     case AdjustJob::Outcome::not_found:
                         finish(
                             ApiReply{json_error(404, "not_found", "no billing record " + std::to_string(id)), audit});
                         return;
                     case AdjustJob::Outcome::not_a_session:
                         finish(ApiReply{json_error(409, "not_a_session",
                                                    "billing record " + std::to_string(id) +
                                                        " is an adjustment; adjust the session record " +
                                                        std::to_string(job->adjusts_session)),
                                         audit});
                         return;
                     }
                 });
         }});
}

} // namespace csms::admin
