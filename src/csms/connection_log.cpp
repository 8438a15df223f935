#include "csms/connection_log.hpp"

namespace csms {

void log_connection(Services& services, const std::string& charger_id, store::ConnectionEvent event,
                    const std::string& remote_address)
{
    services.writer.submit(
        [charger_id, event, remote_address, at = services.clock.now_utc()](store::Database& db) {
            store::record_connection_event(db, charger_id, event, remote_address, at);
        },
        [](bool) {});
}

} // namespace csms
