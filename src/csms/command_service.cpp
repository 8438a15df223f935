#include "csms/command_service.hpp"

#include "csms/charger_session.hpp"

namespace csms {

void CommandService::send(const std::string& charger_id, std::string action, rapidjson::Document payload,
                          ocpp::CallDone done)
{
    auto session = registry_.find(charger_id);
    if (!session) {
        done(ocpp::CallOutcome{ocpp::CallOutcome::Kind::closed, {}, {}, "charge point is not connected"});
        return;
    }
    session->endpoint().call(std::move(action), std::move(payload), std::move(done));
}

} // namespace csms
