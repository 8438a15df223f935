#include "ctl/csv.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace csms::ctl;

TEST_CASE("csv: a header row of the keys then one row per item with nulls empty and fields quoted", "[ctl][csv]")
{
    rapidjson::Document d;
    d.Parse(R"({"items": [{"bucket": "Guangdong/Shenzhen", "energy_wh": 21500.5, "rate": null},
                          {"bucket": "say \"hi\", then\nleave", "energy_wh": 0}]})");
    REQUIRE_FALSE(d.HasParseError());
    std::ostringstream out;
    print_csv(out, d["items"], {"bucket", "energy_wh", "rate"});
    CHECK(out.str() == "bucket,energy_wh,rate\n"
                       "Guangdong/Shenzhen,21500.5,\n"
                       "\"say \"\"hi\"\", then\nleave\",0,\n");
}
