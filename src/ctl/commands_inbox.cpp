#include "ctl/commands.hpp"

#include <optional>

namespace csms::ctl {
namespace {

std::string where(const rapidjson::Value& item)
{
    auto charger = cell(item, "charger_id");
    auto connector = cell(item, "connector_id");
    return connector == "-" ? charger : charger + "/" + connector;
}

} // namespace

void add_notification_commands(CLI::App& app, Registry& r)
{
    using OptText = std::optional<std::string>;
    // csmsctl inbox [list] [--unread]: "list" is the default verb.
    auto* inbox = app.add_subcommand("inbox", "your in-system messages about alerts, newest first");
    inbox->require_subcommand(0, 1);
    auto& unread = r.make<bool>(false);
    auto& limit = r.make<OptText>();
    auto& cursor = r.make<OptText>();
    Action list_inbox = [&](Context& c) {
        Query q;
        q.add("unread", unread ? OptText("1") : std::nullopt).add("limit", limit).add("cursor", cursor);
        c.print_list(c.api().get("/api/v1/inbox" + q.str()),
                     {field("ID", "message_id"), field("AT", "at"), field("EVENT", "event"),
                      field("SEVERITY", "severity"), Column{"WHERE", where}, field("RULE", "rule"),
                      field("MESSAGE", "message"), field("ALERT", "alert_id"), field("READ AT", "read_at")});
    };
    for (auto* command : {inbox, add_verb(r, *inbox, "list", "your messages, newest first", list_inbox)}) {
        command->add_flag("--unread", unread, "only messages not marked read");
        command->add_option("--limit", limit, "messages per page (1-500, default 50)");
        command->add_option("--cursor", cursor, "the page after this cursor");
    }
    // The verb's callback runs first (CLI11 calls subcommands before their parent).
    inbox->callback([&r, list_inbox] {
        if (!r.action) {
            r.action = list_inbox;
        }
    });

    auto& id = r.make<std::string>();
    auto* read = add_verb(r, *inbox, "read", "mark a message read", [&](Context& c) {
        rapidjson::Document body(rapidjson::kObjectType);
        c.print_object(c.api().send("POST", "/api/v1/inbox/" + segment(id) + "/read", body));
    });
    read->add_option("ID", id, "message id (the ID column of csmsctl inbox)")->required();

    auto* alerts = app.get_subcommand("alerts"); // added by add_alert_commands
    auto& alert_id = r.make<std::string>();
    auto* deliveries = add_verb(
        r, *alerts, "deliveries", "how an alert's notifications went, per channel and recipient", [&](Context& c) {
            c.print_list(c.api().get("/api/v1/alerts/" + segment(alert_id) + "/deliveries"),
                         {field("ID", "delivery_id"), field("EVENT", "event"), field("CHANNEL", "channel"),
                          field("TYPE", "channel_type"), field("RECIPIENT", "recipient"), field("STATUS", "status"),
                          field("ATTEMPTS", "attempts"), field("NEXT ATTEMPT", "next_attempt_at"),
                          field("SENT AT", "sent_at"), field("LAST ERROR", "last_error")});
        });
    deliveries->add_option("ID", alert_id, "alert id")->required();
}

} // namespace csms::ctl
