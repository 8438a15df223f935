#include "store/database.hpp"
#include "store/query.hpp"
#include "store/statement.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>

using csms::store::Database;

namespace {

struct Table {
    csms::test::TempDir dir;
    Database db{dir.file("csms.db")};

    Table() { db.exec("CREATE TABLE t (i INTEGER, r REAL, s TEXT, n TEXT)"); }
};

} // namespace

TEST_CASE("bind_all: binds its arguments to ?1..?N in order, optionals and nullptr as NULL", "[store][query]")
{
    Table t;
    auto& insert = t.db.cached("INSERT INTO t (i, r, s, n) VALUES (?1, ?2, ?3, ?4)");
    csms::store::bind_all(insert, std::int64_t{7}, 2.5, std::string("seven"), nullptr);
    insert.execute();
    csms::store::bind_all(insert, 8, std::optional<double>{}, "eight", std::optional<std::string>{"x"});
    insert.execute();

    auto& select = t.db.cached("SELECT i, r, s, n FROM t ORDER BY i");
    csms::store::ResetGuard guard(select);
    REQUIRE(select.step());
    CHECK(select.column_int64(0) == 7);
    CHECK(select.column_double(1) == 2.5);
    CHECK(select.column_text(2) == "seven");
    CHECK(select.column_is_null(3));
    REQUIRE(select.step());
    CHECK(select.column_int64(0) == 8);
    CHECK(select.column_is_null(1));
    CHECK(select.column_text(2) == "eight");
    CHECK(select.column_text(3) == "x");
    CHECK_FALSE(select.step());
}

TEST_CASE("bind_all: with no arguments binds nothing", "[store][query]")
{
    Table t;
    auto& s = t.db.cached("SELECT 1");
    csms::store::ResetGuard guard(s);
    csms::store::bind_all(s);
    REQUIRE(s.step());
    CHECK(s.column_int(0) == 1);
}

TEST_CASE("query_int64, query_double, query_text: the first column of the first row", "[store][query]")
{
    Table t;
    t.db.exec("INSERT INTO t (i, r, s, n) VALUES (1, 1.5, 'one', NULL), (2, 2.5, 'two', NULL)");

    CHECK(csms::store::query_int64(t.db, "SELECT i FROM t WHERE s = ?1", "two") == 2);
    CHECK(csms::store::query_double(t.db, "SELECT r FROM t WHERE i = ?1", 1) == 1.5);
    CHECK(csms::store::query_text(t.db, "SELECT s FROM t WHERE i = ?1 AND r > ?2", 2, 2.0) == "two");
    CHECK(csms::store::query_int64(t.db, "SELECT count(*) FROM t") == 2);
}

TEST_CASE("query_int64, query_double, query_text: nullopt for no row and for NULL", "[store][query]")
{
    Table t;
    t.db.exec("INSERT INTO t (i, r, s, n) VALUES (NULL, NULL, NULL, NULL)");

    CHECK(csms::store::query_int64(t.db, "SELECT i FROM t WHERE s = ?1", "none") == std::nullopt);
    CHECK(csms::store::query_int64(t.db, "SELECT i FROM t") == std::nullopt);
    CHECK(csms::store::query_double(t.db, "SELECT r FROM t") == std::nullopt);
    CHECK(csms::store::query_text(t.db, "SELECT s FROM t") == std::nullopt);
    CHECK(csms::store::query_text(t.db, "SELECT s FROM t WHERE i = ?1", 5) == std::nullopt);
    CHECK(csms::store::query_text(t.db, "SELECT '' FROM t") == std::string());
}

TEST_CASE("query helpers: leave the cached statement reset, so it holds no read open", "[store][query]")
{
    Table t;
    t.db.exec("INSERT INTO t (i) VALUES (1), (2)");
    const char* sql = "SELECT i FROM t ORDER BY i";
    CHECK(csms::store::query_int64(t.db, sql) == 1);
    CHECK(csms::store::query_int64(t.db, sql) == 1); // from the first row again, not the second
}
