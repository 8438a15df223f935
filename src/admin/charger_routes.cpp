#include "admin/api_json.hpp"
#include "admin/list_filters.hpp"
#include "admin/routes.hpp"
#include "store/charger_view.hpp"
#include "store/time_column.hpp"

namespace csms::admin {
namespace {

void write_summary(JsonWriter& w, const store::ChargerSummary& c, bool connected)
{
    write_string(w, "charger_id", c.charger_id);
    write_string(w, "registration", c.registration);
    write_string(w, "vendor", c.vendor);
    write_string(w, "model", c.model);
    write_string(w, "firmware_version", c.firmware_version);
    write_bool(w, "connected", connected);
    write_string(w, "last_boot", c.last_boot);
    write_string(w, "last_heartbeat", c.last_heartbeat);
    write_string(w, "region", c.region);
    write_number(w, "rated_power_w", c.rated_power_w);
    write_number(w, "rated_current_a", c.rated_current_a);
    w.Key("connectors");
    w.StartArray();
    for (const auto& k : c.connectors) {
        w.StartObject();
        write_int(w, "connector_id", k.connector_id);
        write_string(w, "status", k.status);
        write_string(w, "error_code", k.error_code);
        write_string(w, "info", k.info);
        write_string(w, "vendor_error_code", k.vendor_error_code);
        write_string(w, "timestamp", k.timestamp);
        w.EndObject();
    }
    w.EndArray();
}

void write_detail(JsonWriter& w, const store::ChargerDetail& d, bool connected)
{
    w.StartObject();
    write_summary(w, d.summary, connected);
    write_string(w, "connected_since", connected ? d.last_connected_at : std::nullopt);
    write_string(w, "last_seen", d.last_seen_at);
    write_string(w, "charge_point_serial", d.charge_point_serial);
    write_string(w, "charge_box_serial", d.charge_box_serial);
    write_string(w, "meter_serial", d.meter_serial);
    write_string(w, "iccid", d.iccid);
    write_int(w, "security_profile", d.security_profile);
    w.Key("reservations");
    w.StartArray();
    for (const auto& r : d.reservations) {
        w.StartObject();
        write_int(w, "reservation_id", r.reservation_id);
        write_int(w, "connector_id", r.connector_id);
        write_string(w, "id_tag", r.id_tag);
        write_string(w, "expiry", r.expiry);
        write_string(w, "state", r.state);
        write_int(w, "transaction_id", r.transaction_id);
        w.EndObject();
    }
    w.EndArray();
    w.Key("charging_profiles");
    w.StartArray();
    for (const auto& p : d.charging_profiles) {
        w.StartObject();
        write_int(w, "profile_id", p.profile_id);
        write_int(w, "connector_id", p.connector_id);
        write_int(w, "stack_level", p.stack_level);
        write_string(w, "purpose", p.purpose);
        write_raw_json(w, "profile", p.profile_json);
        write_string(w, "set_at", p.set_at);
        w.EndObject();
    }
    w.EndArray();
    w.Key("local_list");
    if (d.local_list) {
        w.StartObject();
        write_int(w, "sent_version", d.local_list->sent_version);
        write_string(w, "sent_at", d.local_list->sent_at);
        write_int(w, "reported_version", d.local_list->reported_version);
        write_string(w, "reported_at", d.local_list->reported_at);
        w.EndObject();
    } else {
        w.Null();
    }
    w.Key("configuration");
    w.StartArray();
    for (const auto& e : d.configuration) {
        w.StartObject();
        write_string(w, "key", e.key);
        write_string(w, "value", e.value);
        write_bool(w, "readonly", e.readonly);
        write_string(w, "reported_at", e.reported_at);
        w.EndObject();
    }
    w.EndArray();
    w.Key("connections");
    w.StartArray();
    for (const auto& c : d.connections) {
        w.StartObject();
        write_string(w, "at", c.at);
        write_string(w, "event", c.event);
        write_string(w, "remote_address", c.remote_address);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
}

} // namespace

void add_charger_routes(Router& router, ApiContext& ctx)
{
    router.add({"GET", "/api/v1/chargers", "chargers.list", Permission::chargers_read,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    auto filter = charger_filter(*call);
                    filter.is_connected = [&ctx](const std::string& id) { return ctx.registry.find(id) != nullptr; };
                    auto rows = store::list_chargers(ctx.reader, filter);
                    auto write_item = [&ctx](JsonWriter& w, const store::ChargerSummary& c) {
                        w.StartObject();
                        write_summary(w, c, ctx.registry.find(c.charger_id) != nullptr);
                        w.EndObject();
                    };
                    auto cursor_of = [](const store::ChargerSummary& c) { return c.charger_id; };
                    finish(ApiReply{page_response(rows, filter.limit, write_item, cursor_of), AuditNote{}});
                }});
    router.add({"GET", "/api/v1/chargers/{charger_id}", "chargers.show", Permission::chargers_read,
                [&ctx](std::shared_ptr<const ApiCall> call, Finish finish) {
                    const auto& id = call->param("charger_id");
                    auto detail = store::find_charger(ctx.reader, id, store::to_column(ctx.clock.now_utc()));
                    if (!detail) {
                        throw ApiError(404, "not_found", "no charger '" + id + "' has ever booted");
                    }
                    rapidjson::StringBuffer buffer;
                    JsonWriter w(buffer);
                    write_detail(w, *detail, ctx.registry.find(id) != nullptr);
                    // Reservations name id tags: personal data.
                    finish(ApiReply{json_ok(buffer), AuditNote{id, "ok", !detail->reservations.empty()}});
                }});
}

} // namespace csms::admin
