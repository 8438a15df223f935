#include "store/connection_store.hpp"

#include "store/query.hpp"
#include "store/time_column.hpp"

namespace csms::store {

void record_connection_event(Database& db, std::string_view charger_id, ConnectionEvent event,
                             std::string_view remote_address, base::SysTime at)
{
    auto& s = db.cached("INSERT INTO connection_events (charger_id, event, remote_address, at) "
                        "VALUES (?1, ?2, nullif(?3, ''), ?4)");
    bind_all(s, charger_id, std::string_view(event == ConnectionEvent::connected ? "connected" : "disconnected"),
             remote_address, to_column(at));
    s.execute();
}

std::optional<std::int64_t> load_cursor(Database& db, std::string_view source)
{
    return query_int64(db, "SELECT last_id FROM rule_engine_cursors WHERE source = ?1", source);
}

void save_cursor(Database& db, std::string_view source, std::int64_t last_id)
{
    auto& s = db.cached("INSERT INTO rule_engine_cursors (source, last_id) VALUES (?1, ?2) "
                        "ON CONFLICT (source) DO UPDATE SET last_id = excluded.last_id");
    bind_all(s, source, last_id);
    s.execute();
}

} // namespace csms::store
