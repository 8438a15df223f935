#include "store/transaction_store.hpp"

#include "store/time_column.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <string>

namespace csms::store {
namespace {

void record_unmatched_stop(Database& db, const StopRecord& stop, std::string_view cause)
{
    // A retried unmatched stop is stored once.
    auto& statement = db.cached(R"sql(
        INSERT INTO unmatched_stops (charger_id, transaction_id, cause, id_tag, meter_stop_wh, timestamp,
                                     reason, received_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
        ON CONFLICT (charger_id, transaction_id, timestamp, meter_stop_wh) DO NOTHING)sql");
    bind_all(statement, stop.charger_id, stop.transaction_id, cause, stop.id_tag, stop.meter_stop_wh,
             to_column(stop.timestamp), stop.reason, to_column(stop.received_at));
    statement.execute();
}

struct StopTarget {
    std::string charger_id;
    bool stopped = false;
    std::optional<std::int64_t> meter_stop_wh;
    std::optional<std::string> stop_timestamp;
};

std::optional<StopTarget> find_stop_target(Database& db, std::int64_t transaction_id)
{
    auto& statement = db.cached(R"sql(
        SELECT charger_id, stop_received_at IS NOT NULL, meter_stop_wh, stop_timestamp
        FROM transactions WHERE transaction_id = ?1)sql");
    ResetGuard guard(statement);
    statement.bind(1, transaction_id);
    if (!statement.step()) {
        return std::nullopt;
    }
    return StopTarget{statement.column_text(0), statement.column_int(1) != 0, statement.column_optional_int64(2),
                      statement.column_optional_text(3)};
}

} // namespace

std::optional<IdTagRow> find_id_tag(Database& db, std::string_view id_tag)
{
    auto& statement =
        db.cached("SELECT id_tag, status, expiry, parent_id_tag, payment_method FROM id_tags WHERE id_tag = ?1");
    ResetGuard guard(statement);
    statement.bind(1, id_tag);
    if (!statement.step()) {
        return std::nullopt;
    }
    return IdTagRow{
        .id_tag = statement.column_text(0),
        .status = statement.column_text(1),
        .expiry = optional_time_from_column(statement.column_optional_text(2)),
        .parent_id_tag = statement.column_optional_text(3),
        .payment_method = statement.column_optional_text(4),
    };
}

void upsert_id_tag(Database& db, const IdTagRow& row)
{
    auto& statement = db.cached(R"sql(
        INSERT INTO id_tags (id_tag, status, expiry, parent_id_tag, payment_method) VALUES (?1, ?2, ?3, ?4, ?5)
        ON CONFLICT (id_tag) DO UPDATE SET
            status = excluded.status, expiry = excluded.expiry, parent_id_tag = excluded.parent_id_tag,
            payment_method = excluded.payment_method)sql");
    statement.bind(1, row.id_tag);
    statement.bind(2, row.status);
    statement.bind(3, to_column(row.expiry));
    statement.bind(4, row.parent_id_tag);
    statement.bind(5, row.payment_method);
    statement.execute();
}

std::optional<ExistingStart> find_identical_start(Database& db, const StartRecord& start)
{
    auto& statement = db.cached(R"sql(
        SELECT transaction_id, auth_status FROM transactions
        WHERE charger_id = ?1 AND connector_id = ?2 AND id_tag = ?3 AND start_timestamp = ?4
              AND meter_start_wh = ?5)sql");
    ResetGuard guard(statement);
    statement.bind(1, start.charger_id);
    statement.bind(2, start.connector_id);
    statement.bind(3, start.id_tag);
    statement.bind(4, to_column(start.timestamp));
    statement.bind(5, start.meter_start_wh);
    if (!statement.step()) {
        return std::nullopt;
    }
    return ExistingStart{statement.column_int64(0), statement.column_text(1)};
}

std::optional<std::int64_t> find_open_transaction_for_tag(Database& db, std::string_view id_tag,
                                                          std::string_view except_charger, int except_connector)
{
    auto& statement = db.cached(R"sql(
        SELECT transaction_id FROM transactions
        WHERE id_tag = ?1 AND stop_received_at IS NULL AND NOT (charger_id = ?2 AND connector_id = ?3)
        ORDER BY transaction_id DESC LIMIT 1)sql");
    ResetGuard guard(statement);
    statement.bind(1, id_tag);
    statement.bind(2, except_charger);
    statement.bind(3, except_connector);
    if (!statement.step()) {
        return std::nullopt;
    }
    return statement.column_int64(0);
}

std::optional<int> find_transaction_connector(Database& db, std::string_view charger_id, std::int64_t transaction_id)
{
    auto& statement = db.cached(R"sql(
        SELECT connector_id FROM transactions WHERE transaction_id = ?1 AND charger_id = ?2)sql");
    ResetGuard guard(statement);
    statement.bind(1, transaction_id);
    statement.bind(2, charger_id);
    if (!statement.step()) {
        return std::nullopt;
    }
    return static_cast<int>(statement.column_int64(0));
}

std::int64_t insert_transaction(Database& db, const StartRecord& start)
{
    auto& statement = db.cached(R"sql(
        INSERT INTO transactions (charger_id, connector_id, id_tag, meter_start_wh, start_timestamp,
                                  reservation_id, auth_status, start_received_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
        RETURNING transaction_id)sql");
    ResetGuard guard(statement);
    bind_all(statement, start.charger_id, start.connector_id, start.id_tag, start.meter_start_wh,
             to_column(start.timestamp), start.reservation_id, start.auth_status, to_column(start.received_at));
    if (!statement.step()) {
        throw SqliteError(SQLITE_INTERNAL, "insert_transaction: no id returned");
    }
    auto id = statement.column_int64(0);
    while (statement.step()) {
    }
    return id;
}

void set_start_auth_status(Database& db, std::int64_t transaction_id, std::string_view status)
{
    auto& statement = db.cached("UPDATE transactions SET auth_status = ?2 WHERE transaction_id = ?1");
    statement.bind(1, transaction_id);
    statement.bind(2, status);
    statement.execute();
}

StopOutcome stop_transaction(Database& db, const StopRecord& stop)
{
    auto existing = find_stop_target(db, stop.transaction_id);
    if (!existing) {
        record_unmatched_stop(db, stop, "unknown_transaction");
        return StopOutcome::unknown_transaction;
    }
    if (existing->charger_id != stop.charger_id) {
        // Closing another charger's session on a wrong or forged id would
        // corrupt its billing; keep the stop aside instead.
        record_unmatched_stop(db, stop, "other_charger");
        return StopOutcome::unknown_transaction;
    }
    std::string timestamp = to_column(stop.timestamp);
    if (existing->stopped) {
        if (existing->meter_stop_wh != stop.meter_stop_wh || existing->stop_timestamp != timestamp) {
            record_unmatched_stop(db, stop, "conflicting_stop");
        }
        return StopOutcome::already_closed;
    }

    auto& update = db.cached(R"sql(
        UPDATE transactions
        SET stop_id_tag = ?2, meter_stop_wh = ?3, stop_timestamp = ?4, stop_reason = ?5, stop_received_at = ?6
        WHERE transaction_id = ?1 AND stop_received_at IS NULL)sql");
    update.bind(1, stop.transaction_id);
    update.bind(2, stop.id_tag);
    update.bind(3, stop.meter_stop_wh);
    update.bind(4, timestamp);
    update.bind(5, stop.reason);
    update.bind(6, to_column(stop.received_at));
    update.execute();
    return StopOutcome::closed;
}

} // namespace csms::store
