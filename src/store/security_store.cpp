#include "store/security_store.hpp"

#include "store/time_column.hpp"

namespace csms::store {

std::int64_t insert_alert(Database& db, const AlertRecord& alert)
{
    auto& statement = db.cached(R"sql(
        INSERT INTO alerts (charger_id, kind, severity, message, source_ref, raised_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6))sql");
    statement.bind(1, alert.charger_id);
    statement.bind(2, alert.kind);
    statement.bind(3, to_string(alert.severity));
    statement.bind(4, alert.message);
    statement.bind(5, alert.source_ref);
    statement.bind(6, to_column(alert.raised_at));
    statement.execute();
    return db.last_insert_rowid();
}

std::int64_t insert_certificate_request(Database& db, const CertificateRequestRecord& request)
{
    auto& statement = db.cached(R"sql(
        INSERT INTO certificate_requests (charger_id, csr_pem, status, reason, certificate_pem, received_at,
                                          updated_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6))sql");
    statement.bind(1, request.charger_id);
    statement.bind(2, request.csr_pem);
    statement.bind(3, to_string(request.status));
    statement.bind(4, request.reason);
    statement.bind(5, request.certificate_pem);
    statement.bind(6, to_column(request.received_at));
    statement.execute();
    return db.last_insert_rowid();
}

bool update_certificate_request(Database& db, std::int64_t id, CertificateRequestStatus status,
                                const std::optional<std::string>& reason, base::SysTime at)
{
    auto& statement =
        db.cached("UPDATE certificate_requests SET status = ?2, reason = ?3, updated_at = ?4 WHERE id = ?1");
    statement.bind(1, id);
    statement.bind(2, to_string(status));
    statement.bind(3, reason);
    statement.bind(4, to_column(at));
    statement.execute();
    return db.changes() > 0;
}

namespace {

void record_status_with_request(Database& db, std::string_view sql, std::string_view charger_id,
                                std::string_view status, std::optional<std::int64_t> request_id,
                                base::SysTime received_at)
{
    auto& statement = db.cached(sql);
    statement.bind(1, charger_id);
    statement.bind(2, status);
    statement.bind(3, request_id);
    statement.bind(4, to_column(received_at));
    statement.execute();
}

} // namespace

void record_log_status(Database& db, std::string_view charger_id, std::string_view status,
                       std::optional<std::int64_t> request_id, base::SysTime received_at)
{
    record_status_with_request(
        db, "INSERT INTO log_status_history (charger_id, status, request_id, received_at) VALUES (?1, ?2, ?3, ?4)",
        charger_id, status, request_id, received_at);
}

void record_signed_firmware_status(Database& db, std::string_view charger_id, std::string_view status,
                                   std::optional<std::int64_t> request_id, base::SysTime received_at)
{
    record_status_with_request(db,
                               "INSERT INTO signed_firmware_status_history (charger_id, status, request_id, "
                               "received_at) VALUES (?1, ?2, ?3, ?4)",
                               charger_id, status, request_id, received_at);
}

} // namespace csms::store
