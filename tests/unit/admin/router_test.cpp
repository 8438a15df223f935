#include "admin/router.hpp"

#include <catch2/catch.hpp>

using namespace csms::admin;

namespace {

Router sample_router()
{
    Router router;
    auto none = [](std::shared_ptr<const ApiCall>, Finish) {};
    router.add({"GET", "/api/v1/chargers", "chargers.list", Permission::chargers_read, none});
    router.add({"GET", "/api/v1/chargers/{charger_id}", "chargers.show", Permission::chargers_read, none});
    router.add({"POST", "/api/v1/chargers/{charger_id}/commands/Reset", "commands.Reset",
                Permission::commands_technical, none});
    return router;
}

} // namespace

TEST_CASE("Router: a pattern segment captures the path segment", "[admin][router]")
{
    auto router = sample_router();
    auto match = router.match("GET", "/api/v1/chargers/CP-1");
    REQUIRE(match.route != nullptr);
    CHECK(match.route->action == "chargers.show");
    CHECK(match.params.at("charger_id") == "CP-1");
    auto reset = router.match("POST", "/api/v1/chargers/CP-1/commands/Reset");
    REQUIRE(reset.route != nullptr);
    CHECK(reset.route->permission == Permission::commands_technical);
}

TEST_CASE("Router: another method on a known path is told apart from an unknown path", "[admin][router]")
{
    auto router = sample_router();
    auto wrong_method = router.match("DELETE", "/api/v1/chargers");
    CHECK(wrong_method.route == nullptr);
    CHECK(wrong_method.path_known);
    auto unknown = router.match("GET", "/api/v1/chargers/CP-1/nothing");
    CHECK(unknown.route == nullptr);
    CHECK_FALSE(unknown.path_known);
    CHECK(router.match("GET", "/api/v1/chargers/").route == nullptr); // an empty id is no id
}

TEST_CASE("Router: action names take their segments", "[admin][router]")
{
    Route route{"POST",
                "/api/v1/chargers/{charger_id}/commands/{action}",
                "commands.{action}",
                Permission::commands_operate,
                {}};
    CHECK(Router::action_name(route, {{"action", "UnlockConnector"}, {"charger_id", "X"}}) ==
          "commands.UnlockConnector");
}

TEST_CASE("Targets: path segments and query values are percent-decoded", "[admin][router]")
{
    auto target = parse_target("/api/v1/id-tags/ABC%20123?operator=J%C3%B6rg&limit=5&flag");
    REQUIRE(target);
    CHECK(target->path == "/api/v1/id-tags/ABC 123");
    CHECK(target->query.at("operator") == "J\xC3\xB6rg");
    CHECK(target->query.at("limit") == "5");
    CHECK(target->query.at("flag").empty());
    CHECK(parse_target("/api/v1/x?since=2026-01-01T00:00:00%2B08:00")->query.at("since") ==
          "2026-01-01T00:00:00+08:00");
}

TEST_CASE("Targets: malformed escapes and control characters are refused", "[admin][router]")
{
    CHECK_FALSE(parse_target("/api/v1/id-tags/%zz"));
    CHECK_FALSE(parse_target("/api/v1/id-tags/%2"));
    CHECK_FALSE(parse_target("/api/v1/id-tags/a%0Ab"));
    CHECK_FALSE(parse_target("/api/v1/chargers/a%2Fb")); // an escaped '/' would change the route
    CHECK_FALSE(parse_target("api/v1"));
}

TEST_CASE("Paging: limit and cursor are checked", "[admin][router]")
{
    ApiCall call;
    CHECK(call.page_limit() == 50);
    call.query["limit"] = "500";
    CHECK(call.page_limit() == 500);
    for (const char* bad : {"0", "501", "-1", "ten", "5x"}) {
        call.query["limit"] = bad;
        CHECK_THROWS_AS(call.page_limit(), ApiError);
    }
    call.query["cursor"] = "42";
    CHECK(call.cursor_id() == 42);
    call.query["cursor"] = "4.2";
    CHECK_THROWS_AS(call.cursor_id(), ApiError);
}
