#include "ctl/csv.hpp"

#include <catch2/catch.hpp>

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
