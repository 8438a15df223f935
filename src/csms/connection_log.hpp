#pragma once
// Writes a charger's session opening or closing to connection_events, for
// the rule engine (flapping, offline) and operators. Not awaited: nothing is
// answered on it, so it never delays a charger.
#include "csms/charger_session.hpp"
#include "store/connection_store.hpp"

#include <string>

namespace csms {

void log_connection(Services& services, const std::string& charger_id, store::ConnectionEvent event,
                    const std::string& remote_address = {});

} // namespace csms
