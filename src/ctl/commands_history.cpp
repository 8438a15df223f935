#include "ctl/command_answer.hpp"
#include "ctl/commands.hpp"
#include "ctl/page.hpp"
#include "ctl/payloads.hpp"

namespace csms::ctl {

void add_history_commands(CLI::App& app, Registry& r)
{
    using OptText = std::optional<std::string>;
    auto* commands = add_noun(app, "commands", "commands sent to chargers: history, and any action by name");

    auto& charger = r.make<OptText>();
    auto& action = r.make<OptText>();
    auto& page = r.make<Page>();
    auto* history = add_verb(r, *commands, "history", "commands sent, newest first", [&](Context& c) {
        Query q;
        q.add("charger", charger).add("action", action);
        c.print_list(page.get(c.api(), "/api/v1/commands", q),
                     {field("ID", "command_id"), field("REQUESTED AT", "requested_at"), field("CHARGER", "charger_id"),
                      field("ACTION", "action"), field("OPERATOR", "operator"), field("OUTCOME", "outcome"),
                      field("STATUS", "status")});
    });
    history->add_option("--charger", charger, "only this charger's");
    history->add_option("--action", action, "only this OCPP action, e.g. Reset");
    page.add_to(history);

    auto& id = r.make<std::string>();
    auto* show = add_verb(r, *commands, "show", "one command: request, answer, who and when",
                          [&](Context& c) { c.print_object(c.api().get("/api/v1/commands/" + segment(id))); });
    show->add_option("ID", id, "command id")->required();

    auto& name = r.make<std::string>();
    auto& payload = r.make<std::string>("{}");
    auto* send = add_verb(r, *commands, "send", "send any OCPP action with a raw JSON payload", [&](Context& c) {
        send_command(c, id, name, payloads::parse_object(payload, "the payload"));
    });
    send->add_option("ID", id, "charge point id")->required();
    send->add_option("ACTION", name, "OCPP action, e.g. Reset")->required();
    send->add_option("JSON", payload, "the request payload (default {})");
}

} // namespace csms::ctl
