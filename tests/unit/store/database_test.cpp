#include "store/database.hpp"
#include "store/migrations.hpp"
#include "store/transaction.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <array>
#include <optional>
#include <string>

using csms::store::Database;
using csms::store::SqliteError;

namespace {

std::int64_t count_rows(Database& db, const std::string& table)
{
    auto& statement = db.cached("SELECT count(*) FROM " + table);
    csms::store::ResetGuard guard(statement);
    statement.step();
    return statement.column_int64(0);
}

std::string pragma_text(Database& db, const std::string& pragma)
{
    auto& statement = db.cached("PRAGMA " + pragma);
    csms::store::ResetGuard guard(statement);
    REQUIRE(statement.step());
    return statement.column_text(0);
}

} // namespace

TEST_CASE("Database: a read-write open sets WAL, busy timeout, foreign keys and synchronous FULL", "[store][database]")
{
    csms::test::TempDir dir;
    Database db(dir.file("csms.db"));
    CHECK(pragma_text(db, "journal_mode") == "wal");
    CHECK(pragma_text(db, "busy_timeout") == "5000");
    CHECK(pragma_text(db, "foreign_keys") == "1");
    CHECK(pragma_text(db, "synchronous") == "2"); // FULL
}

TEST_CASE("Database: set_busy_timeout changes how long a statement waits for a lock", "[store][database]")
{
    csms::test::TempDir dir;
    Database db(dir.file("csms.db"));
    db.set_busy_timeout(0);
    CHECK(pragma_text(db, "busy_timeout") == "0");
    db.set_busy_timeout(1234);
    CHECK(pragma_text(db, "busy_timeout") == "1234");
}

TEST_CASE("Database: errors carry SQLite's extended result codes", "[store][database]")
{
    csms::test::TempDir dir;
    Database db(dir.file("csms.db"));
    db.exec("CREATE TABLE t (x INTEGER UNIQUE); INSERT INTO t VALUES (1)");
    try {
        db.exec("INSERT INTO t VALUES (1)");
        FAIL("exec did not throw");
    } catch (const SqliteError& e) {
        CHECK(e.code() == SQLITE_CONSTRAINT_UNIQUE);
    }
}

TEST_CASE("Database: a failure throws SqliteError carrying sqlite's message and code", "[store][database]")
{
    csms::test::TempDir dir;
    Database db(dir.file("csms.db"));
    try {
        db.exec("SELECT * FROM no_such_table");
        FAIL("exec did not throw");
    } catch (const SqliteError& e) {
        CHECK(std::string(e.what()).find("no such table: no_such_table") != std::string::npos);
        CHECK(e.code() == SQLITE_ERROR);
    }
    CHECK_THROWS_AS(db.cached("SELEC 1"), SqliteError);
    CHECK_THROWS_AS(Database(dir.file("missing.db"), true), SqliteError);
}

TEST_CASE("Database: statements are prepared once and returned reset with bindings cleared", "[store][database]")
{
    csms::test::TempDir dir;
    Database db(dir.file("csms.db"));
    db.exec("CREATE TABLE t (a INTEGER, b TEXT)");

    auto& first = db.cached("INSERT INTO t (a, b) VALUES (?1, ?2)");
    first.bind(1, 7);
    first.bind(2, "seven");
    CHECK_FALSE(first.step());
    auto& again = db.cached("INSERT INTO t (a, b) VALUES (?1, ?2)");
    CHECK(&first == &again);
    CHECK(db.cached_count() == 1);
    CHECK(db.changes() == 1);
    CHECK(db.last_insert_rowid() == 1);

    // Bindings were cleared: this inserts NULLs, not a second 7.
    CHECK_FALSE(again.step());
    auto& select = db.cached("SELECT a, b FROM t ORDER BY rowid");
    REQUIRE(select.step());
    CHECK(select.column_int64(0) == 7);
    CHECK(select.column_text(1) == "seven");
    REQUIRE(select.step());
    CHECK(select.column_is_null(0));
    CHECK(select.column_optional_text(1) == std::nullopt);
    CHECK_FALSE(select.step());
    CHECK(db.cached_count() == 2);
}

TEST_CASE("Statement: every bind overload round-trips", "[store][statement]")
{
    csms::test::TempDir dir;
    Database db(dir.file("csms.db"));
    auto& statement = db.cached("SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7");
    statement.bind(1, std::int64_t{1} << 40);
    statement.bind(2, -3);
    statement.bind(3, 2.5);
    statement.bind(4, std::string_view{"text with \0 inside", 18});
    statement.bind(5, nullptr);
    statement.bind(6, std::optional<std::string>{});
    statement.bind(7, std::optional<int>{42});
    REQUIRE(statement.step());
    CHECK(statement.column_int64(0) == (std::int64_t{1} << 40));
    CHECK(statement.column_int64(1) == -3);
    CHECK(statement.column_double(2) == 2.5);
    CHECK(statement.column_text(3) == std::string("text with \0 inside", 18));
    CHECK(statement.column_is_null(4));
    CHECK(statement.column_is_null(5));
    CHECK(statement.column_int64(6) == 42);
    CHECK_FALSE(statement.step());
    CHECK_THROWS_AS(statement.bind(8, 1), SqliteError);
}

TEST_CASE("Statement: more than one statement in the text is refused", "[store][statement]")
{
    csms::test::TempDir dir;
    Database db(dir.file("csms.db"));
    CHECK_THROWS_AS(db.cached("SELECT 1; SELECT 2"), SqliteError);
    CHECK_NOTHROW(db.cached("SELECT 1;\n"));
}

TEST_CASE("Transaction: rolls back unless committed", "[store][transaction]")
{
    csms::test::TempDir dir;
    Database db(dir.file("csms.db"));
    db.exec("CREATE TABLE t (a INTEGER)");
    {
        csms::store::Transaction transaction(db);
        db.exec("INSERT INTO t VALUES (1)");
    }
    CHECK(count_rows(db, "t") == 0);
    {
        csms::store::Transaction transaction(db);
        db.exec("INSERT INTO t VALUES (1)");
        transaction.commit();
    }
    CHECK(count_rows(db, "t") == 1);
    CHECK_FALSE(db.in_transaction());
}

TEST_CASE("Savepoint: rolls back its own work only", "[store][transaction]")
{
    csms::test::TempDir dir;
    Database db(dir.file("csms.db"));
    db.exec("CREATE TABLE t (a INTEGER)");
    csms::store::Transaction transaction(db);
    db.exec("INSERT INTO t VALUES (1)");
    {
        csms::store::Savepoint savepoint(db, "inner");
        db.exec("INSERT INTO t VALUES (2)");
    }
    {
        csms::store::Savepoint savepoint(db, "inner");
        db.exec("INSERT INTO t VALUES (3)");
        savepoint.release();
    }
    transaction.commit();
    auto& statement = db.cached("SELECT group_concat(a) FROM t");
    REQUIRE(statement.step());
    CHECK(statement.column_text(0) == "1,3");
}

TEST_CASE("Database: a moved-from connection leaves the statement cache with the new owner", "[store][database]")
{
    csms::test::TempDir dir;
    Database first(dir.file("csms.db"));
    auto& statement = first.cached("SELECT 5");
    Database second(std::move(first));
    CHECK(&second.cached("SELECT 5") == &statement);
    REQUIRE(statement.step());
    CHECK(statement.column_int64(0) == 5);
}

TEST_CASE("Migrations: apply once, track user_version, and are idempotent", "[store][migrations]")
{
    csms::test::TempDir dir;
    const auto path = dir.file("csms.db");
    {
        Database db(path);
        CHECK(csms::store::schema_version(db) == 0);
        csms::store::migrate(db);
        CHECK(csms::store::schema_version(db) == csms::store::latest_schema_version());
        CHECK(csms::store::latest_schema_version() >= 1);
        db.exec("INSERT INTO chargers (charger_id, registration) VALUES ('CP1', 'Accepted')");
        csms::store::migrate(db); // second run on the same connection: nothing to do, nothing lost
        CHECK(count_rows(db, "chargers") == 1);
    }
    Database reopened(path);
    csms::store::migrate(reopened);
    CHECK(csms::store::schema_version(reopened) == csms::store::latest_schema_version());
    CHECK(count_rows(reopened, "chargers") == 1);
    for (const char* table :
         {"chargers", "connector_status", "status_history", "id_tags", "transactions", "unmatched_stops",
          "meter_values", "data_transfers", "firmware_status_history", "diagnostics_status_history"}) {
        INFO(table);
        CHECK(count_rows(reopened, table) >= 0);
    }
}

TEST_CASE("Migrations: a database newer than the code is refused", "[store][migrations]")
{
    csms::test::TempDir dir;
    Database db(dir.file("csms.db"));
    csms::store::migrate(db);
    db.exec("PRAGMA user_version=" + std::to_string(csms::store::latest_schema_version() + 1));
    CHECK_THROWS_AS(csms::store::migrate(db), SqliteError);
}

TEST_CASE("Migrations: a failing migration leaves the previous version intact", "[store][migrations]")
{
    csms::test::TempDir dir;
    Database db(dir.file("csms.db"));
    const std::array<csms::store::Migration, 2> migrations{{
        {1, "0001_one.sql", "CREATE TABLE one (a INTEGER);"},
        {2, "0002_broken.sql", "CREATE TABLE two (a INTEGER); INSERT INTO nowhere VALUES (1);"},
    }};
    CHECK_THROWS_AS(csms::store::migrate(db, migrations), SqliteError);
    CHECK(csms::store::schema_version(db) == 1);
    CHECK_THROWS(db.exec("SELECT * FROM two")); // rolled back with its version bump
    CHECK_NOTHROW(db.exec("SELECT * FROM one"));
}
