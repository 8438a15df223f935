#include "ctl/commands.hpp"
#include "ctl/page.hpp"
#include "ctl/payloads.hpp"

#include <optional>

namespace csms::ctl {
namespace {

using OptText = std::optional<std::string>;

// "1:Charging 2:Available": every connector's status in one cell.
std::string connector_summary(const rapidjson::Value& charger)
{
    const auto* connectors = member(charger, "connectors");
    if (connectors == nullptr || !connectors->IsArray() || connectors->Empty()) {
        return "-";
    }
    std::string text;
    for (const auto& c : connectors->GetArray()) {
        if (!text.empty()) {
            text += ' ';
        }
        text += cell(c, "connector_id") + ":" + cell(c, "status");
    }
    return text;
}

std::string vendor_model(const rapidjson::Value& charger)
{
    auto vendor = cell(charger, "vendor");
    auto model = cell(charger, "model");
    return vendor == "-" && model == "-" ? "-" : vendor + "/" + model;
}

rapidjson::Document patch_body(const char* key, const OptText& value)
{
    rapidjson::Document body(rapidjson::kObjectType);
    rapidjson::Value v;
    if (value) {
        v.SetString(*value, body.GetAllocator());
    }
    body.AddMember(rapidjson::StringRef(key), v, body.GetAllocator());
    return body;
}

void add_charger_views(CLI::App& app, Registry& r)
{
    auto* chargers =
        add_noun(app, "chargers", "charge points: their state, registration, and OCPP commands to connected ones");
    // Commands were once a noun of their own; scripts and habits keep it.
    chargers->alias("charger");
    struct Filters {
        OptText connected, status, region, model, text;
    };
    auto& f = r.make<Filters>();
    auto& page = r.make<Page>();
    auto* list =
        add_verb(r, *chargers, "list", "chargers by id, all or those matching every filter given", [&](Context& c) {
            Query q;
            q.add("connected", f.connected).add("status", f.status).add("region", f.region);
            q.add("model", f.model).add("q", f.text);
            c.print_list(page.get(c.api(), "/api/v1/chargers", q),
                         {field("ID", "charger_id"), field("CONNECTED", "connected"),
                          field("REGISTRATION", "registration"), Column{"VENDOR/MODEL", vendor_model},
                          field("LAST HEARTBEAT", "last_heartbeat"), Column{"CONNECTORS", connector_summary}});
        });
    list->add_option("--connected", f.connected, "yes: only those connected now; no: only those that are not")
        ->check(CLI::IsMember({"yes", "no"}));
    list->add_option("--status,--state", f.status,
                     "only those with a connector (or the charger, 0) in this status, e.g. Faulted, Charging");
    list->add_option("--region", f.region, "only those at this region path or under it, e.g. Guangdong/Shenzhen");
    list->add_option("--model", f.model, "only this model (as booted; case ignored)");
    list->add_option("--search", f.text, "only those whose id, vendor or model contains this text (case ignored)");
    page.add_to(list);
    auto& id = r.make<std::string>();
    auto* show = add_verb(r, *chargers, "show", "one charger in detail",
                          [&](Context& c) { c.print_object(c.api().get("/api/v1/chargers/" + segment(id))); });
    show->add_option("ID", id, "charge point id")->required();
    add_sample_command(*chargers, r);
    add_charger_registration(*chargers, r);
    add_charger_commands(*chargers, r);
}

void add_transaction_views(CLI::App& app, Registry& r)
{
    auto* transactions = add_noun(app, "transactions", "charging sessions and their meter values");
    auto& charger = r.make<OptText>();
    auto& id_tag = r.make<OptText>();
    auto& open = r.make<bool>(false);
    auto& from = r.make<OptText>();
    auto& to = r.make<OptText>();
    auto& page = r.make<Page>();
    auto* list = add_verb(r, *transactions, "list", "transactions, newest first", [&](Context& c) {
        Query q;
        q.add("charger", charger).add("id_tag", id_tag).add("open", open ? OptText("1") : std::nullopt);
        q.add("from", from).add("to", to);
        c.print_list(page.get(c.api(), "/api/v1/transactions", q),
                     {field("ID", "transaction_id"), field("CHARGER", "charger_id"), field("CONN", "connector_id"),
                      field("ID TAG", "id_tag"), field("START", "start_timestamp"), field("STOP", "stop_timestamp"),
                      field("ENERGY WH", "energy_wh"), field("STOP REASON", "stop_reason")});
    });
    list->add_option("--charger", charger, "only this charger's");
    list->add_option("--id-tag", id_tag, "only this id tag's");
    list->add_flag("--open", open, "only transactions still running");
    list->add_option("--from", from, "only those started at or after: a date (a UTC day) or a date-time");
    list->add_option("--to", to, "only those started before: a date (that whole UTC day included) or a date-time");
    page.add_to(list);
    auto& id = r.make<std::string>();
    auto* show = add_verb(r, *transactions, "show", "one transaction with its meter values",
                          [&](Context& c) { c.print_object(c.api().get("/api/v1/transactions/" + segment(id))); });
    show->add_option("ID", id, "transaction id")->required();
}

void add_id_tag_views(CLI::App& app, Registry& r)
{
    auto* tags = add_noun(app, "id-tags", "the id tags chargers may authorize");
    auto& page = r.make<Page>();
    auto* list = add_verb(r, *tags, "list", "all id tags", [&](Context& c) {
        c.print_list(page.get(c.api(), "/api/v1/id-tags", Query()),
                     {field("ID TAG", "id_tag"), field("STATUS", "status"), field("EXPIRY", "expiry"),
                      field("PARENT", "parent_id_tag"), field("PAYMENT", "payment_method")});
    });
    page.add_to(list);

    auto& tag = r.make<std::string>();
    auto path = [&tag] { return "/api/v1/id-tags/" + segment(tag); };
    auto* show =
        add_verb(r, *tags, "show", "one id tag", [&, path](Context& c) { c.print_object(c.api().get(path())); });
    show->add_option("TAG", tag, "the id tag")->required();

    auto& expiry = r.make<OptText>();
    auto& parent = r.make<OptText>();
    auto& status = r.make<OptText>();
    auto& payment = r.make<OptText>();
    auto* add = add_verb(r, *tags, "add", "add an id tag", [&](Context& c) {
        rapidjson::Document body(rapidjson::kObjectType);
        auto& a = body.GetAllocator();
        body.AddMember("id_tag", rapidjson::Value(tag, a), a);
        for (auto [key, value] : {std::pair{"status", &status},
                                  {"expiry", &expiry},
                                  {"parent_id_tag", &parent},
                                  {"payment_method", &payment}}) {
            if (*value) {
                body.AddMember(rapidjson::StringRef(key), rapidjson::Value(**value, a), a);
            }
        }
        c.print_object(c.api().send("POST", "/api/v1/id-tags", body));
    });
    add->add_option("TAG", tag, "the id tag (up to 20 characters)")->required();
    add->add_option("--expiry", expiry, "expiry time (ISO 8601)");
    add->add_option("--parent", parent, "parent id tag (a group)");
    add->add_option("--status", status, "Accepted (default), Blocked, Expired, Invalid");
    add->add_option("--payment-method", payment,
                    "how its sessions are paid: account, app, bank_card, prepaid, fleet_invoice, free");

    auto* block = add_verb(r, *tags, "block", "block an id tag", [&, path](Context& c) {
        c.print_object(c.api().send("PATCH", path(), patch_body("status", OptText("Blocked"))));
    });
    block->add_option("TAG", tag, "the id tag")->required();
    auto* unblock = add_verb(r, *tags, "unblock", "accept an id tag again", [&, path](Context& c) {
        c.print_object(c.api().send("PATCH", path(), patch_body("status", OptText("Accepted"))));
    });
    unblock->add_option("TAG", tag, "the id tag")->required();

    auto& at = r.make<OptText>();
    auto* expire = add_verb(r, *tags, "expire", "set an id tag's expiry (default now)", [&, path](Context& c) {
        c.print_object(c.api().send("PATCH", path(), patch_body("expiry", at ? at : payloads::now())));
    });
    expire->add_option("TAG", tag, "the id tag")->required();
    expire->add_option("--at", at, "expiry time (ISO 8601), default now");

    auto& new_parent = r.make<OptText>();
    auto& clear = r.make<bool>(false);
    auto* parent_verb = add_verb(r, *tags, "parent", "set or clear an id tag's parent", [&, path](Context& c) {
        if (new_parent.has_value() == clear) {
            throw UsageError("id-tags parent needs either PARENT or --clear");
        }
        c.print_object(c.api().send("PATCH", path(), patch_body("parent_id_tag", new_parent)));
    });
    parent_verb->add_option("TAG", tag, "the id tag")->required();
    parent_verb->add_option("PARENT", new_parent, "the new parent id tag");
    parent_verb->add_flag("--clear", clear, "remove the parent");

    auto& method = r.make<OptText>();
    auto& clear_method = r.make<bool>(false);
    auto* payment_verb =
        add_verb(r, *tags, "payment", "set or clear how an id tag's sessions are paid", [&, path](Context& c) {
            if (method.has_value() == clear_method) {
                throw UsageError("id-tags payment needs either METHOD or --clear");
            }
            c.print_object(c.api().send("PATCH", path(), patch_body("payment_method", method)));
        });
    payment_verb->add_option("TAG", tag, "the id tag")->required();
    payment_verb->add_option("METHOD", method, "account, app, bank_card, prepaid, fleet_invoice or free");
    payment_verb->add_flag("--clear", clear_method, "pay as the tag's group does");
}

} // namespace

void add_view_commands(CLI::App& app, Registry& r)
{
    add_charger_views(app, r);
    add_transaction_views(app, r);
    add_id_tag_views(app, r);
}

} // namespace csms::ctl
