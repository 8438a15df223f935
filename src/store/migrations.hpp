#pragma once
// Numbered schema migrations, embedded from src/store/migrations/NNNN_*.sql at
// build time and tracked in PRAGMA user_version. Migration N moves the schema
// from version N-1 to N; released migrations are never edited, only added.
#include "store/database.hpp"

#include <span>
#include <string_view>

namespace csms::store {

struct Migration {
    int version;
    std::string_view name;
    std::string_view sql;
};

// Every migration this build knows, in version order.
std::span<const Migration> known_migrations();

// Applies the pending migrations, each in its own IMMEDIATE transaction
// together with its user_version bump. Throws SqliteError if the database is
// newer than the code (a downgrade would misread it) or a migration fails.
void migrate(Database& db);
void migrate(Database& db, std::span<const Migration> migrations);

int schema_version(Database& db);
int latest_schema_version();

} // namespace csms::store
