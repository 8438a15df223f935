#include "store/command_store.hpp"

#include "store/time_column.hpp"

#include <sqlite3.h>

#include <array>
#include <utility>

namespace csms::store {
namespace {

constexpr std::array<std::pair<CommandOutcome, std::string_view>, 6> outcome_names{{
    {CommandOutcome::result, "result"},
    {CommandOutcome::call_error, "call_error"},
    {CommandOutcome::timeout, "timeout"},
    {CommandOutcome::not_connected, "not_connected"},
    {CommandOutcome::invalid_response, "invalid_response"},
    {CommandOutcome::busy, "busy"},
}};

std::string_view to_string(ReservationState state)
{
    switch (state) {
    case ReservationState::active:
        return "active";
    case ReservationState::used:
        return "used";
    case ReservationState::cancelled:
        return "cancelled";
    }
    return "active";
}

constexpr const char* command_columns =
    "command_id, charger_id, action, request, operator_name, requested_at, outcome, response, status, finished_at";

CommandRecord read_command(const Statement& s)
{
    CommandRecord r;
    r.command_id = s.column_int64(0);
    r.charger_id = s.column_text(1);
    r.action = s.column_text(2);
    r.request = s.column_text(3);
    r.operator_name = s.column_optional_text(4);
    r.requested_at = time_from_column(s.column_text(5));
    auto outcome = command_outcome_from(s.column_text(6));
    if (!outcome) {
        throw SqliteError(SQLITE_MISMATCH, "unknown command outcome '" + s.column_text(6) + "'");
    }
    r.outcome = *outcome;
    r.response = s.column_optional_text(7);
    r.status = s.column_optional_text(8);
    r.finished_at = time_from_column(s.column_text(9));
    return r;
}

} // namespace

std::string_view to_string(CommandOutcome outcome)
{
    for (const auto& [value, name] : outcome_names) {
        if (value == outcome) {
            return name;
        }
    }
    return "result";
}

std::optional<CommandOutcome> command_outcome_from(std::string_view text)
{
    for (const auto& [value, name] : outcome_names) {
        if (name == text) {
            return value;
        }
    }
    return std::nullopt;
}

std::int64_t record_command(Database& db, const CommandRecord& r)
{
    auto& s = db.cached(R"sql(
        INSERT INTO commands (charger_id, action, request, operator_name, requested_at, outcome, response, status,
                              finished_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9))sql");
    bind_all(s, r.charger_id, r.action, r.request, r.operator_name, to_column(r.requested_at), to_string(r.outcome),
             r.response, r.status, to_column(r.finished_at));
    s.execute();
    return db.last_insert_rowid();
}

std::vector<CommandRecord> list_commands(Database& db, const CommandFilter& f)
{
    // A NULL parameter switches its condition off: one plan for every filter.
    auto& s = db.cached(std::string("SELECT ") + command_columns + R"sql(
        FROM commands
        WHERE (?1 IS NULL OR charger_id = ?1)
          AND (?2 IS NULL OR action = ?2)
          AND (?3 IS NULL OR command_id < ?3)
        ORDER BY command_id DESC
        LIMIT ?4)sql");
    ResetGuard guard(s);
    s.bind(1, f.charger_id);
    s.bind(2, f.action);
    s.bind(3, f.before_id);
    s.bind(4, f.limit);
    std::vector<CommandRecord> out;
    while (s.step()) {
        out.push_back(read_command(s));
    }
    return out;
}

std::optional<CommandRecord> find_command(Database& db, std::int64_t command_id)
{
    auto& s = db.cached(std::string("SELECT ") + command_columns + " FROM commands WHERE command_id = ?1");
    ResetGuard guard(s);
    s.bind(1, command_id);
    if (!s.step()) {
        return std::nullopt;
    }
    return read_command(s);
}

void upsert_reservation(Database& db, const Reservation& r, base::SysTime at)
{
    auto& s = db.cached(R"sql(
        INSERT INTO reservations (reservation_id, charger_id, connector_id, id_tag, parent_id_tag, expiry, state,
                                  transaction_id, created_at, updated_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'active', NULL, ?7, ?7)
        ON CONFLICT (charger_id, reservation_id) DO UPDATE SET
            connector_id = excluded.connector_id, id_tag = excluded.id_tag, parent_id_tag = excluded.parent_id_tag,
            expiry = excluded.expiry, state = 'active', transaction_id = NULL, updated_at = excluded.updated_at)sql");
    s.bind(1, r.reservation_id);
    s.bind(2, r.charger_id);
    s.bind(3, r.connector_id);
    s.bind(4, r.id_tag);
    s.bind(5, r.parent_id_tag);
    s.bind(6, to_column(r.expiry));
    s.bind(7, to_column(at));
    s.execute();
}

bool set_reservation_state(Database& db, const std::string& charger_id, std::int64_t reservation_id,
                           ReservationState state, base::SysTime at)
{
    auto& s = db.cached(R"sql(
        UPDATE reservations SET state = ?3, updated_at = ?4 WHERE charger_id = ?1 AND reservation_id = ?2)sql");
    s.bind(1, charger_id);
    s.bind(2, reservation_id);
    s.bind(3, to_string(state));
    s.bind(4, to_column(at));
    s.execute();
    return db.changes() > 0;
}

bool mark_reservation_used(Database& db, const std::string& charger_id, std::int64_t reservation_id,
                           std::int64_t transaction_id, base::SysTime at)
{
    auto& s = db.cached(R"sql(
        UPDATE reservations SET state = 'used', transaction_id = ?3, updated_at = ?4
        WHERE charger_id = ?1 AND reservation_id = ?2 AND state = 'active')sql");
    s.bind(1, charger_id);
    s.bind(2, reservation_id);
    s.bind(3, transaction_id);
    s.bind(4, to_column(at));
    s.execute();
    return db.changes() > 0;
}

void upsert_charging_profile(Database& db, const ChargingProfile& p, base::SysTime at)
{
    auto& replaced = db.cached(R"sql(
        DELETE FROM charging_profiles
        WHERE charger_id = ?1 AND connector_id = ?2 AND purpose = ?3 AND stack_level = ?4 AND profile_id <> ?5)sql");
    replaced.bind(1, p.charger_id);
    replaced.bind(2, p.connector_id);
    replaced.bind(3, p.purpose);
    replaced.bind(4, p.stack_level);
    replaced.bind(5, p.profile_id);
    replaced.execute();

    auto& s = db.cached(R"sql(
        INSERT INTO charging_profiles (charger_id, connector_id, profile_id, stack_level, purpose, profile, set_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
        ON CONFLICT (charger_id, profile_id) DO UPDATE SET
            connector_id = excluded.connector_id, stack_level = excluded.stack_level, purpose = excluded.purpose,
            profile = excluded.profile, set_at = excluded.set_at)sql");
    s.bind(1, p.charger_id);
    s.bind(2, p.connector_id);
    s.bind(3, p.profile_id);
    s.bind(4, p.stack_level);
    s.bind(5, p.purpose);
    s.bind(6, p.profile_json);
    s.bind(7, to_column(at));
    s.execute();
}

int clear_charging_profiles(Database& db, const std::string& charger_id, std::optional<std::int64_t> profile_id,
                            std::optional<int> connector_id, const std::optional<std::string>& purpose,
                            std::optional<std::int64_t> stack_level)
{
    auto& s = db.cached(R"sql(
        DELETE FROM charging_profiles
        WHERE charger_id = ?1
          AND (?2 IS NULL OR profile_id = ?2)
          AND (?3 IS NULL OR connector_id = ?3)
          AND (?4 IS NULL OR purpose = ?4)
          AND (?5 IS NULL OR stack_level = ?5))sql");
    s.bind(1, charger_id);
    s.bind(2, profile_id);
    s.bind(3, connector_id);
    s.bind(4, purpose);
    s.bind(5, stack_level);
    s.execute();
    return db.changes();
}

void set_local_list_sent(Database& db, const std::string& charger_id, std::int64_t version, base::SysTime at)
{
    auto& s = db.cached(R"sql(
        INSERT INTO local_list_versions (charger_id, sent_version, sent_at) VALUES (?1, ?2, ?3)
        ON CONFLICT (charger_id) DO UPDATE SET sent_version = excluded.sent_version, sent_at = excluded.sent_at)sql");
    s.bind(1, charger_id);
    s.bind(2, version);
    s.bind(3, to_column(at));
    s.execute();
}

void set_local_list_reported(Database& db, const std::string& charger_id, std::int64_t version, base::SysTime at)
{
    auto& s = db.cached(R"sql(
        INSERT INTO local_list_versions (charger_id, reported_version, reported_at) VALUES (?1, ?2, ?3)
        ON CONFLICT (charger_id) DO UPDATE SET
            reported_version = excluded.reported_version, reported_at = excluded.reported_at)sql");
    s.bind(1, charger_id);
    s.bind(2, version);
    s.bind(3, to_column(at));
    s.execute();
}

void upsert_configuration_key(Database& db, const std::string& charger_id, const std::string& key,
                              const std::optional<std::string>& value, bool readonly, base::SysTime at)
{
    auto& s = db.cached(R"sql(
        INSERT INTO charger_configuration (charger_id, key, value, readonly, reported_at) VALUES (?1, ?2, ?3, ?4, ?5)
        ON CONFLICT (charger_id, key) DO UPDATE SET
            value = excluded.value, readonly = excluded.readonly, reported_at = excluded.reported_at)sql");
    s.bind(1, charger_id);
    s.bind(2, key);
    s.bind(3, value);
    s.bind(4, readonly ? 1 : 0);
    s.bind(5, to_column(at));
    s.execute();
}

} // namespace csms::store
