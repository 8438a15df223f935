#include "billing/money.hpp"

#include <catch2/catch.hpp>

using namespace csms::billing;
using namespace std::chrono_literals;

TEST_CASE("Money: an energy line is rounded once to the minor unit with halves away from zero", "[billing][money]")
{
    CHECK(energy_amount(10'000, 12'000) == 1200); // 10 kWh at 1.2000 CNY
    CHECK(energy_amount(1'000, 7'823) == 78);     // 1 kWh at 0.7823: 78.23 fen
    CHECK(energy_amount(10'005, 12'300) == 1231); // 1230.615 fen
    CHECK(energy_amount(10'004, 12'300) == 1230); // 1230.492 fen
    CHECK(energy_amount(500, 100) == 1);          // half a fen: up
    CHECK(energy_amount(499, 100) == 0);
    CHECK(energy_amount(-500, 100) == -1);                  // an adjustment: half away from zero
    CHECK(energy_amount(90'000'000, 15'000) == 13'500'000); // 90 MWh at 1.5000: exact
}

TEST_CASE("Money: idle time is charged per whole minute", "[billing][money]")
{
    CHECK(idle_amount(59s, 50) == 0);
    CHECK(idle_amount(60s, 50) == 50);
    CHECK(idle_amount(619s, 50) == 500);
    CHECK(idle_amount(-5s, 50) == 0);
}

TEST_CASE("Money: amounts read as currency with two decimals", "[billing][money]")
{
    CHECK(format_money(1235, "CNY") == "12.35 CNY");
    CHECK(format_money(5, "CNY") == "0.05 CNY");
    CHECK(format_money(-5, "CNY") == "-0.05 CNY");
    CHECK(format_money(0, "EUR") == "0.00 EUR");
}

TEST_CASE("Money: an amount an operator types is read exactly or refused", "[billing][money]")
{
    using csms::billing::parse_money;
    CHECK(parse_money("12.35") == 1235);
    CHECK(parse_money("-5") == -500);
    CHECK(parse_money("-0.05") == -5);
    CHECK(parse_money("+3.1") == 310);
    CHECK_FALSE(parse_money("1.005"));
    CHECK_FALSE(parse_money("1."));
    CHECK_FALSE(parse_money(".5"));
    CHECK_FALSE(parse_money("1,50"));
    CHECK_FALSE(parse_money(""));
    CHECK_FALSE(parse_money("-"));
    CHECK_FALSE(parse_money("1e3"));
}
