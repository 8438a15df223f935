#include "net/charger_path.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>

using csms::net::charger_id_from_target;
using csms::net::max_charger_id_length;

TEST_CASE("charger_id_from_target: a plain id after /ocpp/ is the charger id", "[net][charger_path]")
{
    CHECK(charger_id_from_target("/ocpp/CP1") == std::optional<std::string>("CP1"));
    CHECK(charger_id_from_target("/ocpp/CP-001_a.b~c") == std::optional<std::string>("CP-001_a.b~c"));
}

TEST_CASE("charger_id_from_target: percent escapes are decoded, upper or lower case hex", "[net][charger_path]")
{
    CHECK(charger_id_from_target("/ocpp/CP%2D1") == std::optional<std::string>("CP-1"));
    CHECK(charger_id_from_target("/ocpp/CP%2d1") == std::optional<std::string>("CP-1"));
    CHECK(charger_id_from_target("/ocpp/%43%50%31") == std::optional<std::string>("CP1"));
}

TEST_CASE("charger_id_from_target: an encoded space is kept in the id", "[net][charger_path]")
{
    CHECK(charger_id_from_target("/ocpp/My%20Charger") == std::optional<std::string>("My Charger"));
    // '+' means a space only in form data, not in a path.
    CHECK(charger_id_from_target("/ocpp/My+Charger") == std::optional<std::string>("My+Charger"));
}

TEST_CASE("charger_id_from_target: UTF-8 ids pass through, decoded or raw", "[net][charger_path]")
{
    CHECK(charger_id_from_target("/ocpp/Stra%C3%9Fe") == std::optional<std::string>("Stra\xC3\x9F"
                                                                                    "e"));
    CHECK(charger_id_from_target("/ocpp/Stra\xC3\x9F"
                                 "e") == std::optional<std::string>("Stra\xC3\x9F"
                                                                    "e"));
}

TEST_CASE("charger_id_from_target: the query string is not part of the id", "[net][charger_path]")
{
    CHECK(charger_id_from_target("/ocpp/CP1?token=abc") == std::optional<std::string>("CP1"));
    CHECK(charger_id_from_target("/ocpp/CP%2D1?a=%00") == std::optional<std::string>("CP-1"));
    CHECK_FALSE(charger_id_from_target("/ocpp/?id=CP1"));
}

TEST_CASE("charger_id_from_target: a target without the exact /ocpp/ prefix is refused", "[net][charger_path]")
{
    CHECK_FALSE(charger_id_from_target("/CP1"));
    CHECK_FALSE(charger_id_from_target("/ocpp"));
    CHECK_FALSE(charger_id_from_target("/ocppCP1"));
    CHECK_FALSE(charger_id_from_target("/OCPP/CP1"));
    CHECK_FALSE(charger_id_from_target("ocpp/CP1"));
    CHECK_FALSE(charger_id_from_target("/api/ocpp/CP1"));
    CHECK_FALSE(charger_id_from_target(""));
}

TEST_CASE("charger_id_from_target: a custom prefix is honoured", "[net][charger_path]")
{
    CHECK(charger_id_from_target("/ws/16/CP1", "/ws/16/") == std::optional<std::string>("CP1"));
    CHECK_FALSE(charger_id_from_target("/ocpp/CP1", "/ws/16/"));
}

TEST_CASE("charger_id_from_target: an empty id is refused", "[net][charger_path]")
{
    CHECK_FALSE(charger_id_from_target("/ocpp/"));
    CHECK_FALSE(charger_id_from_target("/ocpp/?x=1"));
}

TEST_CASE("charger_id_from_target: 64 characters are accepted, 65 refused", "[net][charger_path]")
{
    REQUIRE(max_charger_id_length == 64);
    const std::string id64(64, 'A');
    CHECK(charger_id_from_target("/ocpp/" + id64) == std::optional<std::string>(id64));
    CHECK_FALSE(charger_id_from_target("/ocpp/" + std::string(65, 'A')));
}

TEST_CASE("charger_id_from_target: the length limit counts decoded characters", "[net][charger_path]")
{
    // 63 plain characters plus one escape: 66 raw, 64 decoded.
    const std::string id63(63, 'B');
    CHECK(charger_id_from_target("/ocpp/" + id63 + "%2D") == std::optional<std::string>(id63 + "-"));
    CHECK_FALSE(charger_id_from_target("/ocpp/" + id63 + "%2D%2D"));
}

TEST_CASE("charger_id_from_target: control characters are refused, encoded or raw", "[net][charger_path]")
{
    CHECK_FALSE(charger_id_from_target("/ocpp/CP%0A1"));
    CHECK_FALSE(charger_id_from_target("/ocpp/CP%0D%0A"));
    CHECK_FALSE(charger_id_from_target("/ocpp/CP%001"));
    CHECK_FALSE(charger_id_from_target("/ocpp/CP%7F"));
    CHECK_FALSE(charger_id_from_target("/ocpp/CP%1F"));
    CHECK_FALSE(charger_id_from_target(std::string("/ocpp/CP\t1")));
    CHECK_FALSE(charger_id_from_target(std::string("/ocpp/CP\x7F")));
    CHECK_FALSE(charger_id_from_target(std::string("/ocpp/CP\0"
                                                   "1",
                                                   10)));
}

TEST_CASE("charger_id_from_target: a '/' in the id is refused, encoded or raw", "[net][charger_path]")
{
    CHECK_FALSE(charger_id_from_target("/ocpp/CP%2F1"));
    CHECK_FALSE(charger_id_from_target("/ocpp/CP%2f1"));
    CHECK_FALSE(charger_id_from_target("/ocpp/CP/1"));
    CHECK_FALSE(charger_id_from_target("/ocpp/%2E%2E%2Fadmin"));
}

TEST_CASE("charger_id_from_target: malformed percent escapes are refused", "[net][charger_path]")
{
    CHECK_FALSE(charger_id_from_target("/ocpp/CP%G1"));
    CHECK_FALSE(charger_id_from_target("/ocpp/CP%1G"));
    CHECK_FALSE(charger_id_from_target("/ocpp/CP%4"));
    CHECK_FALSE(charger_id_from_target("/ocpp/CP%"));
    CHECK_FALSE(charger_id_from_target("/ocpp/%"));
    CHECK_FALSE(charger_id_from_target("/ocpp/CP%%41"));
    // A truncated escape just before the query string is still truncated.
    CHECK_FALSE(charger_id_from_target("/ocpp/CP%4?x=1"));
}

TEST_CASE("charger_id_from_target: an escape ending exactly at the end of the id is decoded", "[net][charger_path]")
{
    CHECK(charger_id_from_target("/ocpp/%41") == std::optional<std::string>("A"));
    CHECK(charger_id_from_target("/ocpp/CP%41") == std::optional<std::string>("CPA"));
    CHECK(charger_id_from_target("/ocpp/CP%41?x") == std::optional<std::string>("CPA"));
}
