#include "ctl/api_client.hpp"
#include "ctl/errors.hpp"
#include "ctl/server_url.hpp"

#include <catch2/catch.hpp>

using namespace csms::ctl;

TEST_CASE("server URLs give host port and prefix", "[ctl][url]")
{
    auto u = parse_server_url("http://127.0.0.1:8181");
    CHECK(u.host == "127.0.0.1");
    CHECK(u.port == 8181);
    CHECK(u.prefix.empty());
    CHECK(u.host_header() == "127.0.0.1:8181");

    auto d = parse_server_url("http://csms.example/");
    CHECK(d.host == "csms.example");
    CHECK(d.port == 80);
    CHECK(d.prefix.empty());

    auto p = parse_server_url("http://gw:9000/csms/");
    CHECK(p.prefix == "/csms");

    auto v6 = parse_server_url("http://[::1]:8181");
    CHECK(v6.host == "::1");
    CHECK(v6.port == 8181);
    CHECK(v6.host_header() == "[::1]:8181");
    CHECK_FALSE(u.tls);
}

TEST_CASE("https server URLs ask for TLS and default to port 443", "[ctl][url]")
{
    auto s = parse_server_url("https://localhost:8181");
    CHECK(s.tls);
    CHECK(s.host == "localhost");
    CHECK(s.port == 8181);
    CHECK(s.prefix.empty());
    CHECK(s.text == "https://localhost:8181");

    auto d = parse_server_url("https://csms.example/admin/");
    CHECK(d.tls);
    CHECK(d.port == 443);
    CHECK(d.prefix == "/admin");
    CHECK(d.host_header() == "csms.example:443");

    auto v6 = parse_server_url("https://[::1]:8443");
    CHECK(v6.tls);
    CHECK(v6.host == "::1");
    CHECK(v6.port == 8443);
}

TEST_CASE("other schemes and malformed server URLs are refused with a reason", "[ctl][url]")
{
    CHECK_THROWS_WITH(parse_server_url("ftp://127.0.0.1:8181"), Catch::Contains("expected http://HOST[:PORT]"));
    CHECK_THROWS_AS(parse_server_url("HTTPS//127.0.0.1:8181"), UsageError);
    CHECK_THROWS_AS(parse_server_url("https://"), UsageError);
    CHECK_THROWS_AS(parse_server_url("https://host:0"), UsageError);
    CHECK_THROWS_AS(parse_server_url("https://[::1"), UsageError);
    CHECK_THROWS_AS(parse_server_url("127.0.0.1:8181"), UsageError);
    CHECK_THROWS_AS(parse_server_url("http://"), UsageError);
    CHECK_THROWS_AS(parse_server_url("http://host:0"), UsageError);
    CHECK_THROWS_AS(parse_server_url("http://host:70000"), UsageError);
    CHECK_THROWS_AS(parse_server_url("http://host:12x"), UsageError);
    CHECK_THROWS_AS(parse_server_url("http://host:"), UsageError);
    CHECK_THROWS_AS(parse_server_url("http://user@host"), UsageError);
}

TEST_CASE("query values and path segments are percent-encoded", "[ctl][url]")
{
    CHECK(percent_encode("CP-1_a.b~") == "CP-1_a.b~");
    CHECK(percent_encode("a b/c?&=") == "a%20b%2Fc%3F%26%3D");
    CHECK(Query().str().empty());
    CHECK(Query().add("a", "1").add("skip", std::nullopt).add("since", "2026-01-01T00:00:00+08:00").str() ==
          "?a=1&since=2026-01-01T00%3A00%3A00%2B08%3A00");
}
