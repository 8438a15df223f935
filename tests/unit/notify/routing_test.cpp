#include "notify/routing.hpp"

#include <catch2/catch.hpp>

using namespace csms;
using namespace csms::notify;
using namespace std::chrono_literals;

namespace {

// 2026-01-01 at hh:mm UTC.
base::SysTime utc(int hours, int minutes)
{
    return base::SysTime{std::chrono::milliseconds{1'767'225'600'000}} + std::chrono::hours(hours) +
           std::chrono::minutes(minutes);
}

} // namespace

TEST_CASE("Routing: a route takes alerts by severity rule kind and event", "[notify][routing]")
{
    Route route;
    route.min_severity = Severity::warning;
    route.rules = {"hot-connector"};
    AlertFacts hot{std::string("hot-connector"), "threshold", Severity::critical, std::nullopt};
    CHECK(route_matches(route, hot, "opened"));
    CHECK(route_matches(route, hot, "cleared"));
    CHECK_FALSE(route_matches(route, hot, "escalated")); // only through the escalation

    auto info = hot;
    info.severity = Severity::info;
    CHECK_FALSE(route_matches(route, info, "opened"));

    AlertFacts security{std::nullopt, "security_event", Severity::critical, std::nullopt};
    CHECK_FALSE(route_matches(route, security, "opened")); // names rules: alerts without one do not match
    route.rules.clear();
    CHECK(route_matches(route, security, "opened"));

    route.kinds = {"threshold"};
    CHECK_FALSE(route_matches(route, security, "opened"));
    CHECK(route_matches(route, hot, "opened"));

    route.events = {"opened"};
    CHECK_FALSE(route_matches(route, hot, "acknowledged"));
}

TEST_CASE("Routing: a route with regions takes only chargers recorded in one of them", "[notify][routing]")
{
    Route route;
    route.regions = {"north"};
    CHECK_FALSE(route_matches(route, AlertFacts{std::nullopt, "faulted", Severity::critical, std::nullopt}, "opened"));
    CHECK_FALSE(route_matches(route, AlertFacts{std::nullopt, "faulted", Severity::critical, "south"}, "opened"));
    CHECK(route_matches(route, AlertFacts{std::nullopt, "faulted", Severity::critical, "north"}, "opened"));
}

TEST_CASE("Routing: quiet hours hold non-critical deliveries until the window ends", "[notify][routing]")
{
    Route route;
    route.quiet_hours = QuietHours{22 * 60, 7 * 60, 8h}; // 22:00-07:00 at UTC+8 = 14:00-23:00 UTC
    CHECK_FALSE(in_quiet_hours(*route.quiet_hours, utc(13, 59)));
    CHECK(in_quiet_hours(*route.quiet_hours, utc(14, 0)));  // 22:00 local
    CHECK(in_quiet_hours(*route.quiet_hours, utc(17, 30))); // 01:30 local, past midnight
    CHECK_FALSE(in_quiet_hours(*route.quiet_hours, utc(23, 0)));

    // 23:30 local (15:30 UTC): waits until 07:00 local the next morning, 23:00 UTC.
    CHECK(release_time(route, Severity::warning, utc(15, 30)) == utc(23, 0));
    // 01:30 local (17:30 UTC): the window ends the same local morning.
    CHECK(release_time(route, Severity::info, utc(17, 30)) == utc(23, 0));
    CHECK(release_time(route, Severity::critical, utc(15, 30)) == utc(15, 30)); // critical goes through
    CHECK(release_time(route, Severity::warning, utc(12, 0)) == utc(12, 0));    // outside the window

    Route daytime;
    daytime.quiet_hours = QuietHours{12 * 60, 13 * 60, 0min}; // lunch, UTC
    CHECK(release_time(daytime, Severity::warning, utc(12, 15)) == utc(13, 0));
    CHECK(release_time(daytime, Severity::warning, utc(13, 0)) == utc(13, 0));
}

TEST_CASE("Routing: retries back off exponentially up to the cap", "[notify][routing]")
{
    DeliveryPolicy policy; // 30 s .. 1 h
    CHECK(retry_delay(policy, 1) == 30s);
    CHECK(retry_delay(policy, 2) == 60s);
    CHECK(retry_delay(policy, 3) == 120s);
    CHECK(retry_delay(policy, 7) == 1920s);
    CHECK(retry_delay(policy, 8) == 3600s); // 3840 s capped
    CHECK(retry_delay(policy, 100) == 3600s);
}
