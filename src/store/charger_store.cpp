#include "store/charger_store.hpp"

#include "store/time_column.hpp"

#include <sqlite3.h>

namespace csms::store {
namespace {

Registration registration_column(const Statement& statement, int column)
{
    auto text = statement.column_text(column);
    auto registration = registration_from_string(text);
    if (!registration) {
        throw SqliteError(SQLITE_MISMATCH, "unknown registration in chargers: '" + text + "'");
    }
    return *registration;
}

} // namespace

Registration record_boot(Database& db, const BootRecord& boot, Registration status_if_new)
{
    auto& statement = db.cached(R"sql(
        INSERT INTO chargers (charger_id, registration, vendor, model, charge_point_serial, charge_box_serial,
                              firmware_version, iccid, imsi, meter_type, meter_serial, last_boot)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
        ON CONFLICT (charger_id) DO UPDATE SET
            vendor = excluded.vendor, model = excluded.model,
            charge_point_serial = excluded.charge_point_serial, charge_box_serial = excluded.charge_box_serial,
            firmware_version = excluded.firmware_version, iccid = excluded.iccid, imsi = excluded.imsi,
            meter_type = excluded.meter_type, meter_serial = excluded.meter_serial,
            last_boot = excluded.last_boot
        RETURNING registration)sql");
    ResetGuard guard(statement);
    bind_all(statement, boot.charger_id, to_string(status_if_new), boot.vendor, boot.model, boot.charge_point_serial,
             boot.charge_box_serial, boot.firmware_version, boot.iccid, boot.imsi, boot.meter_type, boot.meter_serial,
             to_column(boot.received_at));
    if (!statement.step()) {
        throw SqliteError(SQLITE_INTERNAL, "record_boot: upsert returned no row");
    }
    auto registration = registration_column(statement, 0);
    // RETURNING rows are only final once the statement has run to completion.
    while (statement.step()) {
    }
    return registration;
}

std::optional<Registration> find_registration(Database& db, std::string_view charger_id)
{
    auto& statement = db.cached("SELECT registration FROM chargers WHERE charger_id = ?1");
    ResetGuard guard(statement);
    statement.bind(1, charger_id);
    if (!statement.step()) {
        return std::nullopt;
    }
    return registration_column(statement, 0);
}

void set_registration(Database& db, std::string_view charger_id, Registration registration)
{
    auto& statement = db.cached(R"sql(
        INSERT INTO chargers (charger_id, registration) VALUES (?1, ?2)
        ON CONFLICT (charger_id) DO UPDATE SET registration = excluded.registration)sql");
    statement.bind(1, charger_id);
    statement.bind(2, to_string(registration));
    statement.execute();
}

bool update_charger_facts(Database& db, std::string_view charger_id, const ChargerFactsChange& change)
{
    // One statement for every combination: ?N IS NULL (not given) keeps the
    // column, ?N+1 is the value to store (NULL erases).
    auto& s = db.cached(R"sql(
        UPDATE chargers SET
            region = CASE WHEN ?2 THEN ?3 ELSE region END,
            rated_power_w = CASE WHEN ?4 THEN ?5 ELSE rated_power_w END,
            rated_current_a = CASE WHEN ?6 THEN ?7 ELSE rated_current_a END
        WHERE charger_id = ?1)sql");
    s.bind(1, charger_id);
    s.bind(2, change.region ? 1 : 0);
    s.bind(3, change.region.value_or(std::nullopt));
    s.bind(4, change.rated_power_w ? 1 : 0);
    s.bind(5, change.rated_power_w.value_or(std::nullopt));
    s.bind(6, change.rated_current_a ? 1 : 0);
    s.bind(7, change.rated_current_a.value_or(std::nullopt));
    s.execute();
    return db.changes() > 0;
}

std::optional<ChargerFactsView> find_charger_facts(Database& db, std::string_view charger_id)
{
    auto& s =
        db.cached("SELECT registration, region, rated_power_w, rated_current_a FROM chargers WHERE charger_id = ?1");
    ResetGuard guard(s);
    s.bind(1, charger_id);
    if (!s.step()) {
        return std::nullopt;
    }
    auto optional_double = [&s](int column) {
        return s.column_is_null(column) ? std::nullopt : std::optional<double>(s.column_double(column));
    };
    return ChargerFactsView{s.column_text(0), s.column_optional_text(1), optional_double(2), optional_double(3)};
}

void record_heartbeat(Database& db, std::string_view charger_id, base::SysTime at)
{
    // Latest wins: a coalesced write (see csms/last_seen.hpp) and a direct
    // one may commit in either order, and neither may move the time back.
    auto& statement = db.cached(R"sql(
        UPDATE chargers SET last_heartbeat = ?2
        WHERE charger_id = ?1 AND (last_heartbeat IS NULL OR last_heartbeat < ?2))sql");
    statement.bind(1, charger_id);
    statement.bind(2, to_column(at));
    statement.execute();
}

void record_status(Database& db, const StatusRecord& status)
{
    // Same parameter numbering for both statements.
    auto bind_status = [&status](Statement& statement) {
        bind_all(statement, status.charger_id, status.connector_id, status.status, status.error_code, status.info,
                 status.vendor_id, status.vendor_error_code, to_column(status.timestamp),
                 to_column(status.received_at));
    };
    auto& history = db.cached(R"sql(
        INSERT INTO status_history (charger_id, connector_id, status, error_code, info, vendor_id,
                                    vendor_error_code, timestamp, received_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9))sql");
    bind_status(history);
    history.execute();

    // A charger replaying its offline queue can deliver an older status after
    // a newer one; the current row keeps the latest by the charger's clock.
    auto& current = db.cached(R"sql(
        INSERT INTO connector_status (charger_id, connector_id, status, error_code, info, vendor_id,
                                      vendor_error_code, timestamp, received_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
        ON CONFLICT (charger_id, connector_id) DO UPDATE SET
            status = excluded.status, error_code = excluded.error_code, info = excluded.info,
            vendor_id = excluded.vendor_id, vendor_error_code = excluded.vendor_error_code,
            timestamp = excluded.timestamp, received_at = excluded.received_at
        WHERE excluded.timestamp IS NULL OR connector_status.timestamp IS NULL
              OR excluded.timestamp >= connector_status.timestamp)sql");
    bind_status(current);
    current.execute();
}

void record_data_transfer(Database& db, std::string_view charger_id, std::string_view vendor_id,
                          const std::optional<std::string>& message_id, const std::optional<std::string>& data,
                          base::SysTime received_at)
{
    auto& statement = db.cached(R"sql(
        INSERT INTO data_transfers (charger_id, vendor_id, message_id, data, received_at)
        VALUES (?1, ?2, ?3, ?4, ?5))sql");
    statement.bind(1, charger_id);
    statement.bind(2, vendor_id);
    statement.bind(3, message_id);
    statement.bind(4, data);
    statement.bind(5, to_column(received_at));
    statement.execute();
}

namespace {

// Firmware and diagnostics notifications share a shape: append to the
// history, set the current value on the charger.
void record_status_pair(Database& db, std::string_view history_sql, std::string_view current_sql,
                        std::string_view charger_id, std::string_view status, base::SysTime received_at)
{
    for (auto sql : {history_sql, current_sql}) {
        auto& statement = db.cached(sql);
        statement.bind(1, charger_id);
        statement.bind(2, status);
        statement.bind(3, to_column(received_at));
        statement.execute();
    }
}

} // namespace

void record_firmware_status(Database& db, std::string_view charger_id, std::string_view status,
                            base::SysTime received_at)
{
    record_status_pair(db, "INSERT INTO firmware_status_history (charger_id, status, received_at) VALUES (?1, ?2, ?3)",
                       "UPDATE chargers SET firmware_status = ?2, firmware_status_at = ?3 WHERE charger_id = ?1",
                       charger_id, status, received_at);
}

void record_diagnostics_status(Database& db, std::string_view charger_id, std::string_view status,
                               base::SysTime received_at)
{
    record_status_pair(db,
                       "INSERT INTO diagnostics_status_history (charger_id, status, received_at) VALUES (?1, ?2, ?3)",
                       "UPDATE chargers SET diagnostics_status = ?2, diagnostics_status_at = ?3 WHERE charger_id = ?1",
                       charger_id, status, received_at);
}

} // namespace csms::store
