#include "ctl/command_answer.hpp"

#include "ctl/commands.hpp"

namespace csms::ctl {

void send_command(Context& c, const std::string& charger, const std::string& action, const rapidjson::Value& payload)
{
    auto answer = c.api().send("POST", "/api/v1/chargers/" + segment(charger) + "/commands/" + segment(action), payload,
                               command_timeout);
    c.print(answer, [&](const rapidjson::Value& json) {
        const auto* response = member(json, "response");
        if (response != nullptr && response->IsObject() && !response->ObjectEmpty()) {
            print_object(c.out(), *response);
        } else if (const auto* status = member(json, "status"); status != nullptr && !status->IsNull()) {
            c.out() << "status: " << cell(*status) << "\n";
        }
        c.out() << "command: " << cell(json, "command_id") << "\n";
    });
}

} // namespace csms::ctl
