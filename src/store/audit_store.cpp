#include "store/audit_store.hpp"

#include "store/time_column.hpp"

namespace csms::store {

void append_audit(Database& db, const AuditRecord& r, base::SysTime at)
{
    auto& statement = db.cached(R"sql(
        INSERT INTO audit_log (at, operator_id, operator_name, role, remote, method, path, action, object, status,
                               outcome, personal_data)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12))sql");
    bind_all(statement, to_column(at), r.operator_id, r.operator_name, r.role, r.remote, r.method, r.path, r.action,
             r.object, r.status, r.outcome, r.personal_data ? 1 : 0);
    statement.execute();
}

std::vector<AuditRecord> list_audit(Database& db, const AuditFilter& f)
{
    // One statement for every combination of filters: a NULL parameter
    // switches its condition off, so the cache holds a single plan.
    auto& statement = db.cached(R"sql(
        SELECT audit_id, at, operator_id, operator_name, role, remote, method, path, action, object, status,
               outcome, personal_data
        FROM audit_log
        WHERE (?1 IS NULL OR operator_name = ?1 COLLATE NOCASE)
          AND (?2 IS NULL OR action = ?2 OR (substr(?2, -1) = '.' AND substr(action, 1, length(?2)) = ?2))
          AND (?3 IS NULL OR object = ?3)
          AND (?4 IS NULL OR at >= ?4)
          AND (?5 IS NULL OR audit_id < ?5)
          AND (?6 = 0 OR status IN (401, 403))
        ORDER BY audit_id DESC
        LIMIT ?7)sql");
    ResetGuard guard(statement);
    statement.bind(1, f.operator_name);
    statement.bind(2, f.action);
    statement.bind(3, f.object);
    statement.bind(4, f.since);
    statement.bind(5, f.before_id);
    statement.bind(6, f.denied_only ? 1 : 0);
    statement.bind(7, f.limit);
    std::vector<AuditRecord> out;
    while (statement.step()) {
        AuditRecord r;
        r.audit_id = statement.column_int64(0);
        r.at = statement.column_text(1);
        r.operator_id = statement.column_optional_int64(2);
        r.operator_name = statement.column_optional_text(3);
        r.role = statement.column_optional_text(4);
        r.remote = statement.column_text(5);
        r.method = statement.column_text(6);
        r.path = statement.column_text(7);
        r.action = statement.column_text(8);
        r.object = statement.column_optional_text(9);
        r.status = statement.column_int(10);
        r.outcome = statement.column_text(11);
        r.personal_data = statement.column_int(12) != 0;
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace csms::store
