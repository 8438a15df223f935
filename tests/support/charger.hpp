#pragma once
// Shortcuts for a test playing one charge point against a CsmsdProcess.
#include "support/ocpp_json.hpp"
#include "support/ws_client.hpp"

#include <memory>
#include <stdexcept>

namespace csms::test {

// Connected to ws://127.0.0.1:port/ocpp/{id} with ocpp1.6; throws if refused.
inline std::unique_ptr<WsClient> connect_charger(std::uint16_t port, const std::string& id)
{
    auto client = std::make_unique<WsClient>();
    auto result = client->connect(port, "/ocpp/" + id);
    if (!result.ok) {
        throw std::runtime_error("charger " + id + " could not connect: HTTP " + std::to_string(result.http_status) +
                                 " " + result.error);
    }
    return client;
}

// Sends BootNotification and returns the status it got ("Accepted", ...).
inline std::string boot(WsClient& client)
{
    auto reply = client.call("BootNotification", boot_payload());
    if (!is_call_result(reply)) {
        throw std::runtime_error("BootNotification answered with " + to_json(reply));
    }
    return result_string(reply, "status");
}

// Connected and booted (Accepted), ready for any other action.
inline std::unique_ptr<WsClient> accepted_charger(std::uint16_t port, const std::string& id)
{
    auto client = connect_charger(port, id);
    if (auto status = boot(*client); status != "Accepted") {
        throw std::runtime_error("charger " + id + " was not accepted: " + status);
    }
    return client;
}

} // namespace csms::test
