#include "admin/api_json.hpp"
#include "admin/list_filters.hpp"
#include "admin/routes.hpp"
#include "store/transaction_view.hpp"

#include <charconv>
#include <cmath>

namespace csms::admin {
namespace {

// The most meter values one answer carries; a longer session is summarised
// by its first 10,000 samples (about a week at one per minute).
constexpr int max_meter_values = 10'000;

void write_transaction(JsonWriter& w, const store::TransactionView& t)
{
    write_int(w, "transaction_id", t.transaction_id);
    write_string(w, "charger_id", t.charger_id);
    write_int(w, "connector_id", t.connector_id);
    write_string(w, "id_tag", t.id_tag);
    write_string(w, "start_timestamp", t.start_timestamp);
    write_int(w, "meter_start_wh", t.meter_start_wh);
    write_string(w, "stop_timestamp", t.stop_timestamp);
    write_int(w, "meter_stop_wh", t.meter_stop_wh);
    std::optional<std::int64_t> energy;
    if (t.meter_stop_wh) {
        energy = *t.meter_stop_wh - t.meter_start_wh;
    }
    write_int(w, "energy_wh", energy);
    write_string(w, "stop_reason", t.stop_reason);
    write_int(w, "reservation_id", t.reservation_id);
    write_bool(w, "open", !t.stop_timestamp.has_value());
}

std::int64_t parse_id(const std::string& text)
{
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value <= 0) {
        throw ApiError(400, "bad_request", "a transaction id is a positive integer");
    }
    return value;
}

} // namespace

void add_transaction_routes(Router& router, ApiContext& ctx)
{
    // Every answer names id tags, which identify customers: personal data.
    router.add({"GET", "/api/v1/transactions", "transactions.list", Permission::transactions_read,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    auto filter = transaction_filter(*call);
                    auto rows = store::list_transactions(ctx.reader, filter);
                    auto write_item = [](JsonWriter& w, const store::TransactionView& t) {
                        w.StartObject();
                        write_transaction(w, t);
                        w.EndObject();
                    };
                    auto cursor_of = [](const store::TransactionView& t) { return std::to_string(t.transaction_id); };
                    AuditNote note{filter.id_tag ? filter.id_tag : filter.charger_id, "ok", !rows.empty()};
                    finish(ApiReply{page_response(rows, filter.limit, write_item, cursor_of), std::move(note)});
                }});
    router.add({"GET", "/api/v1/transactions/{transaction_id}", "transactions.show", Permission::transactions_read,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    auto id = parse_id(call->param("transaction_id"));
                    auto t = store::find_transaction(ctx.reader, id);
                    if (!t) {
                        throw ApiError(404, "not_found", "no transaction " + std::to_string(id));
                    }
                    rapidjson::StringBuffer buffer;
                    JsonWriter w(buffer);
                    w.StartObject();
                    write_transaction(w, *t);
                    w.Key("meter_values");
                    w.StartArray();
                    for (const auto& m : store::transaction_meter_values(ctx.reader, id, max_meter_values)) {
                        w.StartObject();
                        write_string(w, "timestamp", m.timestamp);
                        write_string(w, "measurand", m.measurand);
                        write_string(w, "phase", m.phase);
                        write_string(w, "value", m.value);
                        write_string(w, "unit", m.unit);
                        write_string(w, "context", m.context);
                        w.Key("normalized_value");
                        if (m.normalized_value && std::isfinite(*m.normalized_value)) {
                            w.Double(*m.normalized_value);
                        } else {
                            w.Null();
                        }
                        w.EndObject();
                    }
                    w.EndArray();
                    w.EndObject();
                    finish(ApiReply{json_ok(buffer), AuditNote{std::to_string(id), "ok", true}});
                }});
}

} // namespace csms::admin
