#pragma once
// Shortcuts for a test playing one charge point against a CsmsdProcess.
#include "support/ocpp_json.hpp"
#include "support/ws_client.hpp"

#include <chrono>
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

// The next CALL the server sends this charger, [2, id, action, payload];
// throws when none comes within the limit or the frame is not a CALL.
inline rapidjson::Document next_call(WsClient& client, std::chrono::milliseconds limit = std::chrono::seconds(10))
{
    auto message = client.read(limit);
    if (message.status != ReadStatus::message) {
        throw std::runtime_error("no CALL from the server within the limit " + message.error);
    }
    rapidjson::Document frame;
    frame.Parse(message.text.c_str());
    if (!frame.IsArray() || frame.Size() != 4 || !frame[0].IsInt() || frame[0].GetInt() != 2 || !frame[1].IsString() ||
        !frame[2].IsString()) {
        throw std::runtime_error("not a CALL: " + message.text);
    }
    return frame;
}

// Answers that CALL with a CALLRESULT carrying payload (JSON text).
inline void answer_call(WsClient& client, const rapidjson::Value& call, const std::string& payload)
{
    if (!client.send_text(std::string("[3,\"") + call[1].GetString() + "\"," + payload + "]")) {
        throw std::runtime_error("could not answer the server's CALL");
    }
}

} // namespace csms::test
