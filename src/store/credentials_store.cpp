#include "store/credentials_store.hpp"

#include "base/concat.hpp"
#include "base/password_hash.hpp"
#include "store/time_column.hpp"

#include <algorithm>
#include <array>

namespace csms::store {
namespace {

bool charger_exists(Database& db, std::string_view charger_id)
{
    auto& statement = db.cached("SELECT 1 FROM chargers WHERE charger_id = ?1");
    ResetGuard guard(statement);
    statement.bind(1, charger_id);
    return statement.step();
}

void require_charger(Database& db, std::string_view charger_id)
{
    if (!charger_exists(db, charger_id)) {
        throw UnknownChargerError(base::concat("unknown charger '", charger_id, "'"));
    }
}

} // namespace

std::optional<Credentials> find_credentials(Database& db, std::string_view charger_id)
{
    auto& statement =
        db.cached("SELECT security_profile, authorization_key_hash FROM charger_credentials WHERE charger_id = ?1");
    ResetGuard guard(statement);
    statement.bind(1, charger_id);
    if (!statement.step()) {
        return std::nullopt;
    }
    return Credentials{statement.column_int(0), statement.column_optional_text(1)};
}

void set_security_profile(Database& db, std::string_view charger_id, int profile, base::SysTime at)
{
    if (profile < 0 || profile > 3) {
        throw std::invalid_argument("security profile must be 0..3");
    }
    require_charger(db, charger_id);
    auto& statement = db.cached(R"sql(
        INSERT INTO charger_credentials (charger_id, security_profile, updated_at) VALUES (?1, ?2, ?3)
        ON CONFLICT (charger_id) DO UPDATE SET
            security_profile = excluded.security_profile, updated_at = excluded.updated_at)sql");
    statement.bind(1, charger_id);
    statement.bind(2, profile);
    statement.bind(3, to_column(at));
    statement.execute();
}

void set_authorization_key(Database& db, std::string_view charger_id, std::string_view key, base::SysTime at)
{
    if (key.empty()) {
        throw std::invalid_argument("the AuthorizationKey must not be empty");
    }
    require_charger(db, charger_id);
    set_authorization_key_hash(db, charger_id, base::hash_secret(key), at);
}

void set_authorization_key_hash(Database& db, std::string_view charger_id, std::string_view key_hash, base::SysTime at)
{
    require_charger(db, charger_id);
    auto& statement = db.cached(R"sql(
        INSERT INTO charger_credentials (charger_id, security_profile, authorization_key_hash, updated_at)
        VALUES (?1, 0, ?2, ?3)
        ON CONFLICT (charger_id) DO UPDATE SET
            authorization_key_hash = excluded.authorization_key_hash, updated_at = excluded.updated_at)sql");
    statement.bind(1, charger_id);
    statement.bind(2, key_hash);
    statement.bind(3, to_column(at));
    statement.execute();
}

void record_security_event(Database& db, const SecurityEventRecord& event)
{
    auto& statement = db.cached(R"sql(
        INSERT INTO security_events (charger_id, type, tech_info, timestamp, critical, source, remote_address,
                                     received_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8))sql");
    bind_all(statement, event.charger_id, event.type, event.tech_info, to_column(event.timestamp),
             event.critical ? 1 : 0, event.source, event.remote_address, to_column(event.received_at));
    statement.execute();
}

bool is_critical_security_event(std::string_view type)
{
    static constexpr std::array<std::string_view, 7> critical = {
        "FirmwareUpdated",       "SettingSystemTime", "StartupOfTheDevice",       "ResetOrReboot",
        "SecurityLogWasCleared", "MemoryExhaustion",  "TamperDetectionActivated",
    };
    return std::find(critical.begin(), critical.end(), type) != critical.end();
}

} // namespace csms::store
