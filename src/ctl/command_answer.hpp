#pragma once
// Sending one OCPP command through POST /api/v1/chargers/{id}/commands/{Action}
// and showing the charger's answer: its response fields (status: Accepted,
// ...) then "command: <id>" for `csmsctl commands show`.
#include "ctl/context.hpp"

namespace csms::ctl {

void send_command(Context& c, const std::string& charger, const std::string& action, const rapidjson::Value& payload);

} // namespace csms::ctl
