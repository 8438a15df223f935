#include "ctl/csv.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace csms::ctl;

TEST_CASE("CSV: cells a spreadsheet would split are quoted with quotes doubled", "[ctl][csv]")
{
    CHECK(csv_line({"12", "CP-1", "Guangdong/Shenzhen"}) == "12,CP-1,Guangdong/Shenzhen\n");
    CHECK(csv_cell("refund, cable fault") == "\"refund, cable fault\"");
    CHECK(csv_cell("the \"fast\" one") == "\"the \"\"fast\"\" one\"");
    CHECK(csv_cell("two\nlines") == "\"two\nlines\"");
    CHECK(csv_cell("") == "");
}

TEST_CASE("CSV: a customer's text never becomes a formula but negative amounts stay numbers", "[ctl][csv]")
{
    CHECK(csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)");
    CHECK(csv_cell("@SUM") == "'@SUM");
    CHECK(csv_cell("-5.00") == "-5.00");
    CHECK(csv_cell("+3") == "+3");
    CHECK(csv_cell("-cmd") == "'-cmd");
}

TEST_CASE("CSV: a header row of the keys then one row per item with nulls empty and fields quoted", "[ctl][csv]")
{
    rapidjson::Document d;
    d.Parse(R"({"items": [{"bucket": "Guangdong/Shenzhen", "energy_wh": 21500.5, "rate": null},
                          {"bucket": "say \"hi\", then\nleave", "energy_wh": 0},
                          {"bucket": "=cmd", "energy_wh": -1}]})");
    REQUIRE_FALSE(d.HasParseError());
    std::ostringstream out;
    print_csv(out, d["items"], {"bucket", "energy_wh", "rate"});
    CHECK(out.str() == "bucket,energy_wh,rate\n"
                       "Guangdong/Shenzhen,21500.5,\n"
                       "\"say \"\"hi\"\", then\nleave\",0,\n"
                       "'=cmd,-1,\n");
}
