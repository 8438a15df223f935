#pragma once
// Chargers' WebSocket sessions as they open and close (connection_events),
// and the rule engine's read positions (rule_engine_cursors). Like the other
// repositories, functions run on whichever thread owns the Database (the
// writer thread for writes), use its cached statements and open no
// transactions of their own.
#include "base/clock.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace csms::store {

enum class ConnectionEvent { connected, disconnected };

void record_connection_event(Database& db, std::string_view charger_id, ConnectionEvent event,
                             std::string_view remote_address, base::SysTime at);

// nullopt: the engine has never stored a position for this source.
std::optional<std::int64_t> load_cursor(Database& db, std::string_view source);
void save_cursor(Database& db, std::string_view source, std::int64_t last_id);

} // namespace csms::store
