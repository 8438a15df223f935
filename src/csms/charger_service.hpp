#pragma once
// Wires each accepted WebSocket to an OCPP endpoint and a charger session,
// and registers it (a reconnecting charger replaces its old session).
#include "csms/charger_session.hpp"
#include "net/connection.hpp"
#include "ocpp/endpoint.hpp"

namespace csms {

class ChargerService {
public:
    ChargerService(const ocpp::SchemaRegistry& schemas, base::Metrics& metrics, ocpp::EndpointOptions options,
                   Services& services);
    net::SinkFactory sink_factory();

private:
    const ocpp::SchemaRegistry& schemas_;
    ocpp::EndpointMetrics endpoint_metrics_;
    ocpp::EndpointOptions options_;
    Services& services_;
    base::Counter& replaced_;
};

} // namespace csms
