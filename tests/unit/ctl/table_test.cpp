#include "ctl/table.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace csms::ctl;

namespace {

rapidjson::Document parse(const char* text)
{
    rapidjson::Document d;
    d.Parse(text);
    REQUIRE_FALSE(d.HasParseError());
    return d;
}

} // namespace

TEST_CASE("tables align columns under a header with no trailing blanks", "[ctl][table]")
{
    Table t({"NAME", "ROLE"});
    t.add_row({"root", "admin"});
    t.add_row({"alice-longer", ""});
    std::ostringstream out;
    t.print(out);
    CHECK(out.str() == "NAME          ROLE\n"
                       "root          admin\n"
                       "alice-longer  -\n");
}

TEST_CASE("cells show null as a dash and booleans as yes or no", "[ctl][table]")
{
    auto d = parse(R"({"s":"x","n":null,"t":true,"f":false,"i":42,"o":{"a":1}})");
    CHECK(cell(d, "s") == "x");
    CHECK(cell(d, "n") == "-");
    CHECK(cell(d, "missing") == "-");
    CHECK(cell(d, "t") == "yes");
    CHECK(cell(d, "f") == "no");
    CHECK(cell(d, "i") == "42");
    CHECK(cell(d, "o") == R"({"a":1})");
}

TEST_CASE("list items print with chosen columns", "[ctl][table]")
{
    auto d = parse(R"({"items":[{"name":"root","role":"admin","disabled_at":null}]})");
    std::ostringstream out;
    print_items(out, d["items"], {field("NAME", "name"), field("DISABLED AT", "disabled_at")});
    CHECK(out.str() == "NAME  DISABLED AT\nroot  -\n");
}

TEST_CASE("one object prints as key value lines then tables for arrays of objects", "[ctl][table]")
{
    auto d = parse(R"({"transaction_id":7,"open":false,"local_list":{"sent_version":3},
        "meter_values":[{"timestamp":"t1","value":"10"},{"timestamp":"t2","value":"20","unit":"Wh"}],
        "tags":[]})");
    std::ostringstream out;
    print_object(out, d);
    CHECK(out.str() == "transaction_id: 7\n"
                       "open: no\n"
                       "local_list.sent_version: 3\n"
                       "tags: []\n"
                       "\n"
                       "meter_values:\n"
                       "timestamp  value  unit\n"
                       "t1         10     -\n"
                       "t2         20     Wh\n");
}
