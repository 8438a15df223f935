#include "csms/charger_service.hpp"

#include "csms/connection_log.hpp"
#include "csms/primary_first.hpp"

#include <spdlog/spdlog.h>

namespace csms {

ChargerService::ChargerService(const ocpp::SchemaRegistry& schemas, base::Metrics& metrics,
                               ocpp::EndpointOptions options, Services& services)
    : schemas_(schemas), endpoint_metrics_(metrics, schemas), options_(options), services_(services),
      replaced_(metrics.counter("csms_sessions_replaced_total", "Sessions closed because the charger reconnected"))
{
}

net::SinkFactory ChargerService::sink_factory()
{
    return [this](const std::shared_ptr<net::Connection>& connection,
                  const net::PeerIdentity& peer) -> std::shared_ptr<net::FrameSink> {
        auto endpoint =
            std::make_shared<ocpp::Endpoint>(connection, schemas_, endpoint_metrics_, options_, peer.charger_id);
        auto session = std::make_shared<ChargerSession>(peer.charger_id, endpoint, services_, peer.tls);
        if (services_.primary_relay != nullptr) {
            endpoint->set_dispatcher(std::make_shared<PrimaryFirst>(session, *services_.primary_relay));
        } else {
            endpoint->set_dispatcher(session);
        }
        if (auto previous = services_.registry.add(peer.charger_id, session)) {
            // The old socket is usually half-open after a power loss; the
            // charger that just connected is the one that is really there.
            replaced_.inc();
            previous->endpoint().close(1000, "replaced by a newer connection of the same charge point");
        }
        spdlog::info("[{}] connected from {}", peer.charger_id, peer.remote_address);
        log_connection(services_, peer.charger_id, store::ConnectionEvent::connected, peer.remote_address);
        return endpoint;
    };
}

} // namespace csms
