#include "store/audit_store.hpp"
#include "store/operator_store.hpp"

#include "base/api_token.hpp"
#include "store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace csms::store;
using csms::store::test::at;
using csms::store::test::MigratedDb;

TEST_CASE("Operators: a token finds its operator until it is disabled", "[store][operators]")
{
    MigratedDb m;
    auto id = create_operator(m.db, "Alice", "admin", std::nullopt, at(0));
    auto token = csms::base::generate_api_token();
    add_api_token(m.db, id, csms::base::api_token_hash(token), at(0));
    auto found = find_operator_by_token(m.db, csms::base::api_token_hash(token));
    REQUIRE(found);
    CHECK(found->name == "Alice");
    CHECK(found->role == "admin");
    CHECK_FALSE(find_operator_by_token(m.db, csms::base::api_token_hash(token + "x")));
    CHECK(disable_operator(m.db, "alice", at(5))); // names are case-insensitive
    CHECK_FALSE(find_operator_by_token(m.db, csms::base::api_token_hash(token)));
    CHECK(m.count("SELECT count(*) FROM api_tokens WHERE revoked_at IS NOT NULL") == 1);
    CHECK_FALSE(disable_operator(m.db, "nobody", at(5)));
}

TEST_CASE("Operators: names are unique and roles come from the policy", "[store][operators]")
{
    MigratedDb m;
    create_operator(m.db, "bob", "operations", std::string_view("alice"), at(0));
    CHECK_THROWS_AS(create_operator(m.db, "BOB", "technical", std::nullopt, at(1)), OperatorError);
    CHECK_THROWS_AS(create_operator(m.db, "carl", "superuser", std::nullopt, at(1)), OperatorError);
    CHECK_THROWS_AS(create_operator(m.db, "", "auditor", std::nullopt, at(1)), OperatorError);
    CHECK(count_operators(m.db) == 1);
    auto all = list_operators(m.db);
    REQUIRE(all.size() == 1);
    CHECK(all[0].created_by == std::optional<std::string>("alice"));
}

TEST_CASE("Tokens: 256 random bits and only their hash is kept", "[store][operators]")
{
    auto a = csms::base::generate_api_token();
    auto b = csms::base::generate_api_token();
    CHECK(a != b);
    CHECK(a.size() == 5 + 64);
    CHECK(a.rfind("csms_", 0) == 0);
    auto hash = csms::base::api_token_hash(a);
    CHECK(hash.size() == 64);
    CHECK(hash.find(a.substr(5)) == std::string::npos);
    // The SHA-256 test vector of "abc".
    CHECK(csms::base::api_token_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("Audit log: rows are listed newest first with filters and refuse change", "[store][audit]")
{
    MigratedDb m;
    AuditRecord r;
    r.remote = "127.0.0.1:1";
    r.method = "GET";
    r.path = "/api/v1/chargers";
    r.action = "chargers.list";
    r.status = 200;
    r.outcome = "ok";
    r.operator_name = "alice";
    append_audit(m.db, r, at(1));
    r.action = "commands.Reset";
    r.object = "CP1";
    r.status = 403;
    r.outcome = "forbidden";
    r.operator_name = "bob";
    append_audit(m.db, r, at(2));
    r.action = "commands.UnlockConnector";
    r.status = 200;
    r.outcome = "Unlocked";
    append_audit(m.db, r, at(3));

    auto all = list_audit(m.db, AuditFilter{});
    REQUIRE(all.size() == 3);
    CHECK(all[0].action == "commands.UnlockConnector");
    AuditFilter commands;
    commands.action = "commands.";
    CHECK(list_audit(m.db, commands).size() == 2);
    AuditFilter exact;
    exact.action = "commands";
    CHECK(list_audit(m.db, exact).empty()); // a prefix needs its trailing dot
    AuditFilter denied;
    denied.denied_only = true;
    REQUIRE(list_audit(m.db, denied).size() == 1);
    AuditFilter by_bob;
    by_bob.operator_name = "BOB";
    by_bob.limit = 1;
    auto page = list_audit(m.db, by_bob);
    REQUIRE(page.size() == 1);
    by_bob.before_id = page[0].audit_id;
    CHECK(list_audit(m.db, by_bob).at(0).outcome == "forbidden");
    AuditFilter since;
    since.since = "2026-01-01T00:00:02.000Z";
    CHECK(list_audit(m.db, since).size() == 2);

    CHECK_THROWS_WITH(m.db.exec("UPDATE audit_log SET status = 200"), Catch::Contains("append-only"));
    CHECK_THROWS_WITH(m.db.exec("DELETE FROM audit_log WHERE audit_id = 1"), Catch::Contains("append-only"));
    CHECK(m.count("SELECT count(*) FROM audit_log") == 3);
}
