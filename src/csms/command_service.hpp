#pragma once
// Server-initiated CALLs to a connected charger by id: what the operator API
// and the proxy use (RemoteStart, Reset, CertificateSigned, InstallCertificate,
// GetLog, ...). The endpoint validates every payload against its schema
// before sending, keeps one CALL in flight per charger and times out.
#include "csms/charger_registry.hpp"
#include "ocpp/endpoint.hpp"

#include <string>

namespace csms {

class CommandService {
public:
    explicit CommandService(ChargerRegistry& registry) : registry_(registry) {}

    // done runs once: with the charger's answer, or at once with
    // Kind::closed when the charger is not connected.
    void send(const std::string& charger_id, std::string action, rapidjson::Document payload, ocpp::CallDone done);

private:
    ChargerRegistry& registry_;
};

} // namespace csms
