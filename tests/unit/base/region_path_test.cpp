#include "base/region_path.hpp"

#include <catch2/catch.hpp>

using namespace csms::base;

TEST_CASE("region paths: components are trimmed and empty ones dropped", "[base][region]")
{
    CHECK(region_components("Guangdong/Shenzhen/Nanshan/Coastal Park") ==
          std::vector<std::string>{"Guangdong", "Shenzhen", "Nanshan", "Coastal Park"});
    CHECK(normalized_region(" Guangdong / Shenzhen//") == "Guangdong/Shenzhen");
    CHECK(region_components("  /  ").empty());
    CHECK(normalized_region("") == "");
}

TEST_CASE("region paths: a report level keeps the first components or the shorter path", "[base][region]")
{
    std::optional<std::string> site = "Guangdong/Shenzhen/Nanshan/Coastal Park";
    CHECK(region_group(site, RegionLevel::province) == "Guangdong");
    CHECK(region_group(site, RegionLevel::city) == "Guangdong/Shenzhen");
    CHECK(region_group(site, RegionLevel::district) == "Guangdong/Shenzhen/Nanshan");
    CHECK(region_group(site, RegionLevel::site) == "Guangdong/Shenzhen/Nanshan/Coastal Park");
    CHECK(region_group(std::string("Guangdong/Shenzhen"), RegionLevel::district) == "Guangdong/Shenzhen");
    CHECK(region_group(std::nullopt, RegionLevel::city) == "(none)");
    CHECK(region_group(std::string(" / "), RegionLevel::city) == "(none)");
}

TEST_CASE("region paths: a filter matches its place and everything under it component by component", "[base][region]")
{
    CHECK(region_contains("Guangdong/Shenzhen", std::string("Guangdong/Shenzhen")));
    CHECK(region_contains("Guangdong/Shenzhen", std::string("Guangdong/Shenzhen/Nanshan/Coastal Park")));
    CHECK(region_contains("Guangdong/Shenzhen/", std::string("Guangdong / Shenzhen / Futian")));
    CHECK_FALSE(region_contains("Guangdong/Shen", std::string("Guangdong/Shenzhen")));
    CHECK_FALSE(region_contains("Guangdong/Shenzhen", std::string("Guangdong/ShenzhenX/Nanshan")));
    CHECK_FALSE(region_contains("Guangdong/Shenzhen", std::string("Guangdong")));
    CHECK_FALSE(region_contains("Guangdong", std::nullopt));
    CHECK(region_contains("", std::nullopt));
}

TEST_CASE("region paths: level names", "[base][region]")
{
    CHECK(region_level_from("province") == RegionLevel::province);
    CHECK(region_level_from("site") == RegionLevel::site);
    CHECK_FALSE(region_level_from("street").has_value());
}
