#include "store/migrations.hpp"

#include "store/transaction.hpp"

#include <sqlite3.h>

#include <string>

namespace csms::store {

int schema_version(Database& db)
{
    auto& statement = db.cached("PRAGMA user_version");
    ResetGuard guard(statement);
    statement.step();
    return statement.column_int(0);
}

int latest_schema_version()
{
    auto migrations = known_migrations();
    return migrations.empty() ? 0 : migrations.back().version;
}

void migrate(Database& db)
{
    migrate(db, known_migrations());
}

void migrate(Database& db, std::span<const Migration> migrations)
{
    for (std::size_t i = 0; i < migrations.size(); ++i) {
        if (migrations[i].version != static_cast<int>(i) + 1) {
            throw SqliteError(SQLITE_MISUSE, "migration " + std::string(migrations[i].name) + " is out of sequence");
        }
    }
    int known = migrations.empty() ? 0 : migrations.back().version;
    int current = schema_version(db);
    if (current > known) {
        throw SqliteError(SQLITE_MISMATCH, "database schema version " + std::to_string(current) +
                                               " is newer than this build knows (" + std::to_string(known) + ")");
    }
    for (const auto& migration : migrations) {
        if (migration.version <= current) {
            continue;
        }
        Transaction transaction(db);
        // Re-read under the write lock: another process may have migrated
        // between our first look and BEGIN IMMEDIATE.
        if (schema_version(db) >= migration.version) {
            continue;
        }
        try {
            db.exec(migration.sql);
        } catch (const SqliteError& e) {
            throw SqliteError(e.code(), "migration " + std::string(migration.name) + ": " + e.what());
        }
        // PRAGMA takes no bound parameters; the version is our own integer.
        db.exec("PRAGMA user_version=" + std::to_string(migration.version));
        transaction.commit();
    }
}

} // namespace csms::store
