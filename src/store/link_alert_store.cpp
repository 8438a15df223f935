#include "store/link_alert_store.hpp"

#include "store/security_store.hpp"
#include "store/statement.hpp"
#include "store/time_column.hpp"

namespace csms::store {
namespace {

constexpr std::string_view source_prefix = "proxy_links:";

std::string source_of(const std::string& partner)
{
    std::string ref(source_prefix);
    ref += partner;
    return ref;
}

// The conditions that find a link's alert not yet cleared (?1 kind, ?2
// charger, ?3 source_ref): charger_id first, for alerts_by_charger.
constexpr std::string_view active_link_alert =
    "charger_id = ?2 AND kind = ?1 AND source_ref = ?3 AND rule IS NULL AND state IN ('open', 'acknowledged')";

} // namespace

bool open_link_down_alert(Database& db, const std::string& partner, const std::string& charger_id,
                          const std::string& message, base::SysTime at)
{
    static const std::string sql = "SELECT 1 FROM alerts WHERE " + std::string(active_link_alert);
    {
        auto& probe = db.cached(sql);
        ResetGuard guard(probe);
        probe.bind(1, link_down_kind);
        probe.bind(2, charger_id);
        probe.bind(3, source_of(partner));
        if (probe.step()) {
            return false;
        }
    }
    insert_alert(db, AlertRecord{charger_id, std::string(link_down_kind), AlertSeverity::warning, message,
                                 source_of(partner), at});
    return true;
}

bool clear_link_down_alert(Database& db, const std::string& partner, const std::string& charger_id, base::SysTime at)
{
    static const std::string sql =
        "UPDATE alerts SET state = 'cleared', cleared_at = ?4 WHERE " + std::string(active_link_alert);
    auto& statement = db.cached(sql);
    statement.bind(1, link_down_kind);
    statement.bind(2, charger_id);
    statement.bind(3, source_of(partner));
    statement.bind(4, to_column(at));
    statement.execute();
    return db.changes() > 0;
}

std::vector<DownLink> links_with_down_alert(Database& db)
{
    auto& statement = db.cached(R"sql(
        SELECT source_ref, charger_id FROM alerts
        WHERE state IN ('open', 'acknowledged') AND kind = ?1 AND rule IS NULL AND charger_id IS NOT NULL)sql");
    ResetGuard guard(statement);
    statement.bind(1, link_down_kind);
    std::vector<DownLink> out;
    while (statement.step()) {
        auto ref = statement.column_optional_text(0).value_or("");
        if (ref.starts_with(source_prefix)) {
            out.push_back(DownLink{ref.substr(source_prefix.size()), statement.column_text(1)});
        }
    }
    return out;
}

} // namespace csms::store
