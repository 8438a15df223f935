// csmsctl partners list|show|reload: each integration partner's links, their state,
// queue depth, forwarded and refused counts and last error, and the
// Authorize decisions it made (docs/proxy.md).
#include "ctl/commands.hpp"

#include <map>
#include <ostream>

namespace csms::ctl {
namespace {

// "3 connected, 1 waiting" over a partner's links.
std::string link_summary(const rapidjson::Value& partner)
{
    const auto* links = member(partner, "links");
    if (links == nullptr || !links->IsArray() || links->Empty()) {
        return "no links yet";
    }
    std::map<std::string, int> by_state;
    for (const auto& link : links->GetArray()) {
        ++by_state[cell(link, "state")];
    }
    std::string out;
    for (const auto& [state, count] : by_state) {
        out += (out.empty() ? "" : ", ") + std::to_string(count) + " " + state;
    }
    return out;
}

// "primary" for the primary backend of migrating chargers, else "partner".
std::string role(const rapidjson::Value& partner)
{
    const auto* primary = member(partner, "primary");
    return primary != nullptr && primary->IsBool() && primary->GetBool() ? "primary" : "partner";
}

void print_partners(std::ostream& out, const rapidjson::Value& answer)
{
    static const rapidjson::Value none(rapidjson::kArrayType);
    const auto* partners = member(answer, "partners");
    print_items(out, partners != nullptr ? *partners : none,
                {field("NAME", "name"), Column{"ROLE", role}, field("URL", "url"), Column{"LINKS", link_summary},
                 field("QUEUED", "queued"), field("FORWARDED", "forwarded"), field("REFUSED", "refused"),
                 field("DROPPED", "dropped")});
}

void print_partner(std::ostream& out, const rapidjson::Value& partner)
{
    out << "partner " << cell(partner, "name") << " at " << cell(partner, "url")
        << (role(partner) == "primary" ? ", the primary backend of its chargers (migration)" : "") << "\n";
    out << "queued " << cell(partner, "queued") << ", forwarded " << cell(partner, "forwarded") << ", refused "
        << cell(partner, "refused") << ", dropped " << cell(partner, "dropped") << "\n\n";
    static const rapidjson::Value none(rapidjson::kArrayType);
    const auto* links = member(partner, "links");
    print_items(out, links != nullptr ? *links : none,
                {field("CHARGER", "charger_id"), field("STATE", "state"), field("QUEUED", "queued"),
                 field("FORWARDED", "forwarded"), field("REFUSED", "refused"), field("DROPPED", "dropped"),
                 field("LAST ERROR", "last_error"), field("AT", "last_error_at")});
    const auto* refusals = member(partner, "refusals");
    if (refusals != nullptr && refusals->IsArray() && !refusals->Empty()) {
        out << "\nrefused calls, newest first\n";
        print_items(
            out, *refusals,
            {field("AT", "at"), field("CHARGER", "charger_id"), field("ACTION", "action"), field("REASON", "reason")});
    }
    const auto* decisions = member(partner, "authorizations");
    if (decisions != nullptr && decisions->IsArray() && !decisions->Empty()) {
        out << "\nAuthorize decisions, newest first\n";
        print_items(out, *decisions,
                    {field("AT", "at"), field("CHARGER", "charger_id"), field("ID TAG", "id_tag"),
                     field("STATUS", "status"), field("EXPIRY", "expiry"), field("BY", "source"),
                     field("REASON", "reason")});
    }
}

} // namespace

void add_partner_commands(CLI::App& app, Registry& r)
{
    auto* partners = add_noun(app, "partners", "integration partners and their uplinks (docs/proxy.md)");
    add_verb(r, *partners, "list", "every partner: links, queue depth, forwarded and refused counts", [](Context& c) {
        c.print(c.api().get("/api/v1/partners"), [&c](const rapidjson::Value& json) { print_partners(c.out(), json); });
    });
    add_verb(r, *partners, "reload",
             "re-read the partners file: changed partners' links restart, the others go on; a bad file changes "
             "nothing",
             [](Context& c) {
                 c.print(c.api().send("POST", "/api/v1/partners/reload", rapidjson::Document(rapidjson::kObjectType)),
                         [&c](const rapidjson::Value& json) { print_partners(c.out(), json); });
             });
    auto& name = r.make<std::string>();
    auto* show =
        add_verb(r, *partners, "show",
                 "one partner: each link's state and last error, refused calls, Authorize decisions", [&](Context& c) {
                     c.print(c.api().get("/api/v1/partners/" + segment(name)),
                             [&c](const rapidjson::Value& json) { print_partner(c.out(), json); });
                 });
    show->add_option("NAME", name, "partner name, as in the partners file")->required();
}

} // namespace csms::ctl
