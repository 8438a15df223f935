#include "store/billing_store.hpp"

#include "store/time_column.hpp"

namespace csms::store {

void mark_billing_started(Database& db, base::SysTime now)
{
    auto& s = db.cached("INSERT OR IGNORE INTO billing_start (id, enabled_at) VALUES (1, ?1)");
    ResetGuard guard(s);
    s.bind(1, to_column(now));
    s.execute();
}

std::int64_t queued_session_count(Database& db)
{
    auto& s = db.cached("SELECT count(*) FROM billing_queue");
    ResetGuard guard(s);
    return s.step() ? s.column_int64(0) : 0;
}

std::vector<QueuedSession> queued_sessions(Database& db, std::int64_t after_id, int limit)
{
    auto& s = db.cached(R"sql(
        SELECT t.transaction_id, t.charger_id, t.connector_id, t.id_tag, tag.parent_id_tag,
               coalesce(tag.payment_method, grp.payment_method), c.region, t.meter_start_wh, t.meter_stop_wh,
               t.start_timestamp, t.stop_timestamp, t.stop_received_at, t.stop_reason
        FROM billing_queue q
        JOIN transactions t ON t.transaction_id = q.transaction_id
        LEFT JOIN chargers c ON c.charger_id = t.charger_id
        LEFT JOIN id_tags tag ON tag.id_tag = t.id_tag
        LEFT JOIN id_tags grp ON grp.id_tag = tag.parent_id_tag
        WHERE q.transaction_id > ?1
        ORDER BY q.transaction_id LIMIT ?2)sql");
    ResetGuard guard(s);
    s.bind(1, after_id);
    s.bind(2, limit);
    std::vector<QueuedSession> out;
    while (s.step()) {
        QueuedSession q;
        q.transaction_id = s.column_int64(0);
        q.charger_id = s.column_text(1);
        q.connector_id = s.column_int(2);
        q.id_tag = s.column_text(3);
        q.tag_group = s.column_optional_text(4);
        q.payment_method = s.column_optional_text(5);
        q.region = s.column_optional_text(6);
        q.meter_start_wh = s.column_int64(7);
        q.meter_stop_wh = s.column_int64(8);
        q.started = time_from_column(s.column_text(9));
        q.stopped = time_from_column(s.column_text(10));
        q.stop_received = time_from_column(s.column_text(11));
        q.stop_reason = s.column_optional_text(12);
        out.push_back(std::move(q));
    }
    return out;
}

std::vector<RegisterSample> register_samples(Database& db, const std::string& charger_id, int connector_id,
                                             base::SysTime from, base::SysTime to)
{
    // A range of the connector's samples, in the samples' key order.
    auto& s = db.cached(R"sql(
        SELECT s.time, s.value FROM samples s
        WHERE s.connector = (SELECT id FROM sample_connectors WHERE charger_id = ?1 AND connector_id = ?2)
          AND s.time >= ?3 AND s.time <= ?4 AND s.value IS NOT NULL
          AND s.kind IN (SELECT id FROM sample_kinds WHERE measurand = 'Energy.Active.Import.Register' AND phase = '')
        ORDER BY s.time, s.message, s.position)sql");
    ResetGuard guard(s);
    s.bind(1, charger_id);
    s.bind(2, connector_id);
    s.bind(3, to_ms_column(from));
    s.bind(4, to_ms_column(to));
    std::vector<RegisterSample> out;
    while (s.step()) {
        out.push_back({time_from_ms_column(s.column_int64(0)), s.column_double(1)});
    }
    return out;
}

std::vector<StatusAt> connector_statuses(Database& db, const std::string& charger_id, int connector_id,
                                         base::SysTime from, int limit)
{
    auto& s = db.cached(R"sql(
        SELECT coalesce(timestamp, received_at) AS at, status FROM status_history
        WHERE charger_id = ?1 AND connector_id = ?2 AND coalesce(timestamp, received_at) >= ?3
        ORDER BY coalesce(timestamp, received_at), id LIMIT ?4)sql");
    ResetGuard guard(s);
    s.bind(1, charger_id);
    s.bind(2, connector_id);
    s.bind(3, to_column(from));
    s.bind(4, limit);
    std::vector<StatusAt> out;
    while (s.step()) {
        out.push_back({time_from_column(s.column_text(0)), s.column_text(1)});
    }
    return out;
}

bool later_session_started(Database& db, const std::string& charger_id, int connector_id, std::int64_t transaction_id)
{
    auto& s = db.cached(R"sql(
        SELECT 1 FROM transactions t
        WHERE t.charger_id = ?1 AND t.connector_id = ?2 AND t.transaction_id > ?3
          AND t.start_timestamp >= (SELECT stop_timestamp FROM transactions WHERE transaction_id = ?3)
        LIMIT 1)sql");
    ResetGuard guard(s);
    s.bind(1, charger_id);
    s.bind(2, connector_id);
    s.bind(3, transaction_id);
    return s.step();
}

std::int64_t insert_billing_record(Database& db, const NewBillingRecord& r)
{
    auto& s = db.cached(R"sql(
        INSERT INTO billing_records (kind, status, transaction_id, adjusts_record_id, charger_id, connector_id, id_tag,
            tag_group, payment_method, region, tariff, currency, started_at, stopped_at, meter_start_wh, meter_stop_wh,
            energy_wh, sampled_energy_wh, total, anomalies, reason, issued_by, issued_at, time_zone, started_local,
            stopped_local)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,
                ?23, ?24, ?25, ?26))sql");
    {
        ResetGuard guard(s);
        bind_all(s, r.kind, r.status, r.transaction_id, r.adjusts_record_id, r.charger_id, r.connector_id, r.id_tag,
                 r.tag_group, r.payment_method, r.region, r.tariff, r.currency, to_column(r.started),
                 to_column(r.stopped), r.meter_start_wh, r.meter_stop_wh, r.energy_wh, r.sampled_energy_wh, r.total,
                 r.anomalies, r.reason, r.issued_by, to_column(r.issued_at), r.time_zone, r.started_local,
                 r.stopped_local);
        s.execute();
    }
    auto id = db.last_insert_rowid();
    auto& line = db.cached(R"sql(
        INSERT INTO billing_lines (record_id, line_no, item, period, quantity, unit_price, amount)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7))sql");
    int line_no = 0;
    for (const auto& l : r.lines) {
        ResetGuard guard(line);
        line.bind(1, id);
        line.bind(2, ++line_no);
        line.bind(3, l.item);
        line.bind(4, l.period);
        line.bind(5, l.quantity);
        line.bind(6, l.unit_price);
        line.bind(7, l.amount);
        line.execute();
    }
    return id;
}

std::optional<std::int64_t> session_record_id(Database& db, std::int64_t transaction_id)
{
    auto& s = db.cached("SELECT record_id FROM billing_records WHERE transaction_id = ?1 AND kind = 'session'");
    ResetGuard guard(s);
    s.bind(1, transaction_id);
    if (!s.step()) {
        return std::nullopt;
    }
    return s.column_int64(0);
}

void dequeue_session(Database& db, std::int64_t transaction_id)
{
    auto& s = db.cached("DELETE FROM billing_queue WHERE transaction_id = ?1");
    ResetGuard guard(s);
    s.bind(1, transaction_id);
    s.execute();
}

} // namespace csms::store
