#include "ctl/commands.hpp"
#include "ctl/page.hpp"
#include "ctl/token.hpp"

#include <optional>

namespace csms::ctl {
namespace {

// operators add/token: the only time a token is ever shown. With
// --token-out it goes to a 0600 file instead of the terminal.
void print_new_token(Context& c, const ApiAnswer& answer, const std::string& token_out)
{
    const auto* token = member(answer.json, "token");
    if (!token_out.empty() && token != nullptr && token->IsString()) {
        write_secret_file(token_out, token->GetString());
        for (const char* key : {"name", "role"}) {
            if (member(answer.json, key) != nullptr) {
                c.out() << key << ": " << cell(answer.json, key) << "\n";
            }
        }
        c.out() << "token: written to " << token_out << " (mode 0600)\n";
        return;
    }
    c.print_object(answer);
    if (!c.json()) {
        c.err() << "csmsctl: note: this token is shown only now; the server keeps only its hash\n";
    }
}

} // namespace

void add_operator_commands(CLI::App& app, Registry& r)
{
    add_verb(r, app, "whoami", "who the token belongs to",
             [](Context& c) { c.print_object(c.api().get("/api/v1/whoami")); });

    auto* operators = add_noun(app, "operators", "operator accounts and their tokens");
    add_verb(r, *operators, "list", "all operators", [](Context& c) {
        c.print_list(c.api().get("/api/v1/operators"),
                     {field("NAME", "name"), field("ROLE", "role"), field("E-MAIL", "email"), field("MOBILE", "mobile"),
                      field("CREATED AT", "created_at"), field("CREATED BY", "created_by"),
                      field("DISABLED AT", "disabled_at")});
    });

    auto& name = r.make<std::string>();
    auto& role = r.make<std::string>();
    auto& token_out = r.make<std::string>();
    auto& email = r.make<std::optional<std::string>>();
    auto& mobile = r.make<std::optional<std::string>>();
    // Copied into the verbs' actions, which run after this function returns.
    auto add_contact = [email_p = &email, mobile_p = &mobile](rapidjson::Document& body) {
        for (auto [key, value] : {std::pair{"email", email_p}, std::pair{"mobile", mobile_p}}) {
            if (*value) {
                body.AddMember(rapidjson::StringRef(key), rapidjson::Value(**value, body.GetAllocator()),
                               body.GetAllocator());
            }
        }
    };
    auto* add =
        add_verb(r, *operators, "add", "create an operator and issue its first token", [&, add_contact](Context& c) {
            rapidjson::Document body(rapidjson::kObjectType);
            body.AddMember("name", rapidjson::Value(name, body.GetAllocator()), body.GetAllocator());
            body.AddMember("role", rapidjson::Value(role, body.GetAllocator()), body.GetAllocator());
            add_contact(body);
            print_new_token(c, c.api().send("POST", "/api/v1/operators", body), token_out);
        });
    add->add_option("NAME", name, "the operator's name")->required();
    add->add_option("--role", role, "admin|information_management|operations|technical|customer_service|auditor")
        ->required();
    add->add_option("--token-out", token_out, "write the token to this file (mode 0600) instead of printing it");
    add->add_option("--email", email, "where e-mail notifications reach them");
    add->add_option("--mobile", mobile, "where SMS notifications reach them, e.g. +8613800000000");

    auto& clear_email = r.make<bool>(false);
    auto& clear_mobile = r.make<bool>(false);
    auto* contact = add_verb(
        r, *operators, "contact", "set or clear an operator's e-mail and mobile", [&, add_contact](Context& c) {
            rapidjson::Document body(rapidjson::kObjectType);
            add_contact(body);
            for (auto [key, clear] : {std::pair{"email", &clear_email}, std::pair{"mobile", &clear_mobile}}) {
                if (*clear) {
                    body.AddMember(rapidjson::StringRef(key), rapidjson::Value(), body.GetAllocator());
                }
            }
            if (body.MemberCount() == 0) {
                throw UsageError("give --email, --mobile, --clear-email or --clear-mobile");
            }
            c.print_object(c.api().send("POST", "/api/v1/operators/" + segment(name) + "/contact", body));
        });
    contact->add_option("NAME", name, "the operator's name")->required();
    contact->add_option("--email", email, "their e-mail address");
    contact->add_option("--mobile", mobile, "their mobile number, + and digits");
    contact->add_flag("--clear-email", clear_email, "remove the e-mail address");
    contact->add_flag("--clear-mobile", clear_mobile, "remove the mobile number");

    auto* token = add_verb(r, *operators, "token", "issue another token for an operator", [&](Context& c) {
        rapidjson::Document body(rapidjson::kObjectType);
        print_new_token(c, c.api().send("POST", "/api/v1/operators/" + segment(name) + "/tokens", body), token_out);
    });
    token->add_option("NAME", name, "the operator's name")->required();
    token->add_option("--token-out", token_out, "write the token to this file (mode 0600) instead of printing it");

    auto* disable = add_verb(r, *operators, "disable", "disable an operator and all its tokens", [&](Context& c) {
        rapidjson::Document body(rapidjson::kObjectType);
        c.print_object(c.api().send("POST", "/api/v1/operators/" + segment(name) + "/disable", body));
    });
    disable->add_option("NAME", name, "the operator's name")->required();

    auto* audit = add_noun(app, "audit", "the audit log: who did what, when");
    auto& filter_operator = r.make<std::optional<std::string>>();
    auto& filter_action = r.make<std::optional<std::string>>();
    auto& filter_object = r.make<std::optional<std::string>>();
    auto& since = r.make<std::optional<std::string>>();
    auto& denied = r.make<bool>(false);
    auto& page = r.make<Page>();
    auto* list = add_verb(r, *audit, "list", "audit rows, newest first", [&](Context& c) {
        Query q;
        q.add("operator", filter_operator).add("action", filter_action).add("object", filter_object);
        q.add("since", since).add("denied", denied ? std::optional<std::string>("1") : std::nullopt);
        c.print_list(page.get(c.api(), "/api/v1/audit", q),
                     {field("ID", "audit_id"), field("AT", "at"), field("OPERATOR", "operator"), field("ROLE", "role"),
                      field("ACTION", "action"), field("OBJECT", "object"), field("STATUS", "status"),
                      field("OUTCOME", "outcome")});
    });
    list->add_option("--operator", filter_operator, "only this operator's calls");
    list->add_option("--action", filter_action, "only this action, e.g. operators.list");
    list->add_option("--object", filter_object, "only calls on this object (charger id, tag, operator)");
    list->add_option("--since", since, "only rows at or after this time (ISO 8601)");
    list->add_flag("--denied", denied, "only refused calls");
    page.add_to(list);
}

} // namespace csms::ctl
