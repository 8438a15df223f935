#include "base/toml_fields.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace csms::base;

namespace {

// The message of the TomlFileError that reading `key` from `text` throws.
template <class Read> std::string error_of(const std::string& text, Read read)
{
    auto root = parse_toml(text, "f.toml");
    TableReader r(root, "f.toml", "thing 'x'");
    try {
        read(r);
    } catch (const TomlFileError& e) {
        return e.what();
    }
    return "no error";
}

std::int64_t cents(const std::string& text)
{
    auto root = parse_toml(text, "f.toml");
    return *TableReader(root, "f.toml", "").fixed_point("v", 2, 1'000'000);
}

} // namespace

TEST_CASE("TOML fields: decimal amounts convert exactly as written", "[base][toml_fields]")
{
    CHECK(cents("v = 0.29") == 29); // 0.29 * 100 is 28.999999999999996 in doubles
    CHECK(cents("v = 0.57") == 57);
    CHECK(cents("v = 1.1") == 110);
    CHECK(cents("v = 1.10") == 110);
    CHECK(cents("v = 7") == 700);
    CHECK(cents("v = 0") == 0);
    CHECK(cents("v = 10000.00") == 1'000'000);
    auto fee = [](const std::string& text) {
        return error_of(text, [](const TableReader& r) { r.fixed_point("v", 2, 1'000'000); });
    };
    CHECK(fee("\nv = 1.005") == "f.toml:2: thing 'x': v 1.005 has more than 2 decimals");
    CHECK(fee("v = 0.001") == "f.toml:1: thing 'x': v 0.001 has more than 2 decimals");
    CHECK(fee("v = -0.5") == "f.toml:1: thing 'x': v must not be negative");
    CHECK(fee("v = -1") == "f.toml:1: thing 'x': v must not be negative");
    CHECK(fee("v = 10000.01") == "f.toml:1: thing 'x': v must be at most 10000");
    CHECK(fee("v = 10001") == "f.toml:1: thing 'x': v must be at most 10000");
    CHECK(fee("v = nan") == "f.toml:1: thing 'x': v must be a finite number");
    CHECK(fee("v = \"1.00\"") == "f.toml:1: thing 'x': v must be a number");
}

TEST_CASE("TOML fields: an unknown key is explained by the known list or the nearest key", "[base][toml_fields]")
{
    auto text = "name = \"a\"\ntimeout = 2\n";
    CHECK(error_of(text, [](const TableReader& r) {
              r.check_keys({"name", "timeout_s"});
          }) == "f.toml:2: thing 'x': unknown key 'timeout' (known: name or timeout_s)");
    CHECK(error_of(text, [](const TableReader& r) {
              r.check_keys({"name", "timeout_s"}, KeyHint::did_you_mean);
          }) == "f.toml:2: thing 'x': unknown key 'timeout' (did you mean 'timeout_s'?)");
    // The earliest unknown key is the one reported, whatever the key order.
    CHECK(error_of("zz = 1\naa = 2\n", [](const TableReader& r) { r.check_keys({"name"}); }) ==
          "f.toml:1: thing 'x': unknown key 'zz' (known: name)");
}

TEST_CASE("TOML fields: a reader without a name says only the field", "[base][toml_fields]")
{
    auto root = parse_toml("currency = 5\n", "f.toml");
    TableReader top(root, "f.toml", "");
    CHECK_THROWS_WITH(top.text("currency"), "f.toml:1: currency must be a string");
    CHECK_FALSE(top.text("time_zone"));
    CHECK_THROWS_WITH(parse_toml("a = \n", "f.toml"), Catch::StartsWith("f.toml:1: invalid TOML: "));
    CHECK_THROWS_WITH(read_toml_file("/nonexistent/f.toml", "the tariffs file"),
                      Catch::StartsWith("/nonexistent/f.toml: cannot read the tariffs file: "));
}
