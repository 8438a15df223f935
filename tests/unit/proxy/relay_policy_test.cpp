#include "proxy/relay_policy.hpp"

#include <catch2/catch.hpp>

using namespace csms::proxy;
using namespace std::chrono;

TEST_CASE("A partner covers its listed chargers and those under its regions")
{
    Partner p;
    p.chargers = {"CP-1"};
    p.regions = {"Guangdong/Shenzhen"};
    CHECK(covers(p, "CP-1", std::nullopt));
    CHECK(covers(p, "CP-9", std::string("Guangdong/Shenzhen/Nanshan")));
    CHECK_FALSE(covers(p, "CP-9", std::string("Guangdong/Shenzhenwan")));
    CHECK_FALSE(covers(p, "CP-9", std::nullopt));
    CHECK(needs_region(p));
    p.regions.clear();
    CHECK_FALSE(needs_region(p));
    CHECK_FALSE(covers(p, "CP-9", std::string("Guangdong/Shenzhen")));
}

TEST_CASE("A partner gets only the actions its policy forwards and sends only those it accepts")
{
    Partner p;
    p.forward = {"StartTransaction", "StopTransaction"};
    p.accept = {"RemoteStopTransaction"};
    CHECK(forwards(p, "StartTransaction"));
    CHECK_FALSE(forwards(p, "Heartbeat"));
    CHECK(accepts(p, "RemoteStopTransaction"));
    CHECK_FALSE(accepts(p, "Reset"));
    p.forward_all = true;
    CHECK(forwards(p, "Heartbeat"));
}

TEST_CASE("The rate limit counts each charger over a sliding minute")
{
    RateLimiter limit(2);
    RateLimiter::Clock::time_point t0{};
    CHECK(limit.allow("A", t0));
    CHECK(limit.allow("A", t0 + seconds(10)));
    CHECK_FALSE(limit.allow("A", t0 + seconds(20)));
    CHECK(limit.allow("B", t0 + seconds(20)));
    CHECK(limit.allow("A", t0 + seconds(60)));
    CHECK_FALSE(limit.allow("A", t0 + seconds(65)));
    CHECK(limit.allow("A", t0 + seconds(70)));
}

TEST_CASE("Authorize goes to the partner whose tag prefixes take the tag with case ignored")
{
    PartnerSet set;
    set.partners.resize(2);
    set.partners[0].name = "fleet";
    set.partners[0].authorize_tags = {"FLEET-", "FL2-"};
    set.partners[1].name = "roaming";
    CHECK(authorizes(set.partners[0], "FLEET-0001"));
    CHECK(authorizes(set.partners[0], "fleet-0001"));
    CHECK(authorizes(set.partners[0], "Fl2-9"));
    CHECK_FALSE(authorizes(set.partners[0], "FLEET"));
    CHECK_FALSE(authorizes(set.partners[0], "XFLEET-1"));
    CHECK_FALSE(authorizes(set.partners[1], "FLEET-0001"));
    CHECK(authorizer_of(set, "fleet-7") == &set.partners[0]);
    CHECK(authorizer_of(set, "TAG-1") == nullptr);
}

TEST_CASE("A charger's primary backend is the primary partner that lists it")
{
    PartnerSet set;
    set.partners.resize(2);
    set.partners[0].name = "fleet"; // a mirror of the same charger, not its primary
    set.partners[0].chargers = {"CP-1"};
    set.partners[1].name = "legacy";
    set.partners[1].primary = true;
    set.partners[1].chargers = {"CP-1", "CP-2"};
    CHECK(primary_of(set, "CP-1") == &set.partners[1]);
    CHECK(primary_of(set, "CP-2") == &set.partners[1]);
    CHECK(primary_of(set, "CP-3") == nullptr);
}
