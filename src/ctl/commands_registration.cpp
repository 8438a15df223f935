#include "ctl/commands.hpp"
#include "ctl/token.hpp"

#include <optional>

namespace csms::ctl {

void add_charger_registration(CLI::App& chargers, Registry& r)
{
    auto& id = r.make<std::string>();
    auto& registration = r.make<std::optional<std::string>>();
    auto statuses = CLI::IsMember({"Accepted", "Pending", "Rejected"});

    auto* add = add_verb(r, chargers, "add", "register a charger so it may connect without --dev", [&](Context& c) {
        rapidjson::Document body(rapidjson::kObjectType);
        auto& a = body.GetAllocator();
        body.AddMember("charger_id", rapidjson::Value(id, a), a);
        if (registration) {
            body.AddMember("registration", rapidjson::Value(*registration, a), a);
        }
        c.print_object(c.api().send("POST", "/api/v1/chargers", body));
    });
    add->add_option("ID", id, "charge point id")->required();
    add->add_option("--registration", registration, "Accepted (default), Pending or Rejected")->check(statuses);

    auto* change = add_verb(r, chargers, "registration", "change a charger's registration status", [&](Context& c) {
        rapidjson::Document body(rapidjson::kObjectType);
        body.AddMember("registration", rapidjson::Value(registration.value_or(""), body.GetAllocator()),
                       body.GetAllocator());
        c.print_object(c.api().send("PATCH", "/api/v1/chargers/" + segment(id), body));
    });
    change->add_option("ID", id, "charge point id")->required();
    change->add_option("STATUS", registration, "Accepted, Pending or Rejected")->required()->check(statuses);

    auto& region = r.make<std::optional<std::string>>();
    auto& rated_kw = r.make<std::optional<double>>();
    auto& rated_a = r.make<std::optional<double>>();
    auto* set = add_verb(r, chargers, "set", "record a charger's region and ratings (what rules compare against)",
                         [&](Context& c) {
                             rapidjson::Document body(rapidjson::kObjectType);
                             auto& a = body.GetAllocator();
                             if (region) {
                                 body.AddMember("region", rapidjson::Value(*region, a), a);
                             }
                             if (rated_kw) {
                                 body.AddMember("rated_power_w", *rated_kw * 1000.0, a);
                             }
                             if (rated_a) {
                                 body.AddMember("rated_current_a", *rated_a, a);
                             }
                             if (body.ObjectEmpty()) {
                                 throw UsageError("give at least one of --region, --rated-power-kw, --rated-current-a");
                             }
                             c.print_object(c.api().send("PATCH", "/api/v1/chargers/" + segment(id), body));
                         });
    set->add_option("ID", id, "charge point id")->required();
    set->add_option("--region", region, "the charger's region, as rules scope it (e.g. Shenzhen)");
    set->add_option("--rated-power-kw", rated_kw, "rated power in kW")->check(CLI::PositiveNumber);
    set->add_option("--rated-current-a", rated_a, "rated current in A")->check(CLI::PositiveNumber);

    auto& profile = r.make<int>(0);
    auto& key_file = r.make<std::string>();
    auto* security =
        add_verb(r, chargers, "security", "set a charger's security profile and AuthorizationKey", [&](Context& c) {
            rapidjson::Document body(rapidjson::kObjectType);
            auto& a = body.GetAllocator();
            body.AddMember("profile", profile, a);
            if (!key_file.empty()) {
                // A charger password: private files only, as for tokens.
                auto key = read_secret_file(key_file, "authorization key file");
                body.AddMember("authorization_key", rapidjson::Value(key, a), a);
            }
            c.print_object(c.api().send("PUT", "/api/v1/chargers/" + segment(id) + "/security", body));
        });
    security->add_option("ID", id, "charge point id")->required();
    security->add_option("--profile", profile, "security profile 0-3")->required()->check(CLI::Range(0, 3));
    security->add_option("--authorization-key-file", key_file,
                         "file (mode 0600) holding the charger's AuthorizationKey, for profiles 1 and 2");
}

} // namespace csms::ctl
