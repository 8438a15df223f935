#include "ctl/commands.hpp"
#include "ctl/page.hpp"

#include <optional>

namespace csms::ctl {
namespace {

// "CP1/2", "CP1", or "-" for an alert about the system as a whole.
std::string where(const rapidjson::Value& alert)
{
    auto charger = cell(alert, "charger_id");
    auto connector = cell(alert, "connector_id");
    return connector == "-" ? charger : charger + "/" + connector;
}

} // namespace

void add_alert_commands(CLI::App& app, Registry& r)
{
    using OptText = std::optional<std::string>;
    auto* alerts = add_noun(app, "alerts", "alerts: open, acknowledged and cleared, newest first");

    auto& state = r.make<OptText>();
    auto& charger = r.make<OptText>();
    auto& severity = r.make<OptText>();
    auto& page = r.make<Page>();
    auto* list = add_verb(r, *alerts, "list", "alerts, newest first", [&](Context& c) {
        Query q;
        q.add("state", state).add("charger", charger).add("severity", severity);
        c.print_list(page.get(c.api(), "/api/v1/alerts", q),
                     {field("ID", "alert_id"), field("RAISED AT", "raised_at"), field("STATE", "state"),
                      field("SEVERITY", "severity"), Column{"WHERE", where}, field("KIND", "kind"),
                      field("RULE", "rule"), field("MESSAGE", "message"), field("ACK BY", "acknowledged_by")});
    });
    list->add_option("--state", state, "open|acknowledged|cleared");
    list->add_option("--charger", charger, "only this charger's");
    list->add_option("--severity", severity, "info|warning|critical");
    page.add_to(list);

    auto& id = r.make<std::string>();
    auto* show = add_verb(r, *alerts, "show", "one alert: what, where, its lifecycle",
                          [&](Context& c) { c.print_object(c.api().get("/api/v1/alerts/" + segment(id))); });
    show->add_option("ID", id, "alert id")->required();

    auto& note = r.make<OptText>();
    auto* ack = add_verb(r, *alerts, "ack", "acknowledge an open alert: you are on it", [&](Context& c) {
        rapidjson::Document body(rapidjson::kObjectType);
        if (note) {
            body.AddMember("note", rapidjson::Value(*note, body.GetAllocator()), body.GetAllocator());
        }
        c.print_object(c.api().send("POST", "/api/v1/alerts/" + segment(id) + "/ack", body));
    });
    ack->add_option("ID", id, "alert id")->required();
    ack->add_option("--note", note, "what you are doing about it, kept with the alert");

    auto& reason = r.make<std::string>();
    auto* close =
        add_verb(r, *alerts, "close", "clear an alert its condition never will (its charger is gone), saying why",
                 [&](Context& c) {
                     rapidjson::Document body(rapidjson::kObjectType);
                     body.AddMember("reason", rapidjson::Value(reason, body.GetAllocator()), body.GetAllocator());
                     c.print_object(c.api().send("POST", "/api/v1/alerts/" + segment(id) + "/close", body));
                 });
    close->add_option("ID", id, "alert id")->required();
    close->add_option("--reason", reason, "why it is closed by hand, kept with the alert")->required();
}

} // namespace csms::ctl
