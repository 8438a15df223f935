#include "billing/tariff_book.hpp"
#include "billing/tariff_text.hpp"

#include "support/operator_file_text.hpp"

#include <catch2/catch.hpp>

using namespace csms::billing;
using namespace std::chrono;

TEST_CASE("Tariff text: prices and fees are written back with their decimals, never through a double",
          "[billing][tariff_text]")
{
    CHECK(price_text(8000) == "0.8000");
    CHECK(price_text(7823) == "0.7823");
    CHECK(price_text(12000) == "1.2000");
    CHECK(price_text(0) == "0.0000");
    CHECK(price_text(1) == "0.0001");
    CHECK(price_text(100'000LL * 10'000) == "100000.0000");
    CHECK(fee_text(50) == "0.50");
    CHECK(fee_text(5) == "0.05");
    CHECK(fee_text(100) == "1.00");
    CHECK(fee_text(-200) == "-2.00");
}

TEST_CASE("Tariff text: windows, weekdays and dates read as the file writes them", "[billing][tariff_text]")
{
    CHECK(window_text({23 * 60, 7 * 60}) == "23:00-07:00");
    CHECK(window_text({0, 24 * 60}) == "00:00-24:00");
    CHECK(window_text({10 * 60 + 30, 15 * 60 + 5}) == "10:30-15:05");
    CHECK(weekday_names[0] == "mon");
    CHECK(weekday_names[6] == "sun");
    CHECK(date_text(2026y / July / 1) == "2026-07-01");
}

TEST_CASE("Tariff text: what the file says survives parsing", "[billing][tariff_text]")
{
    auto book = parse_tariffs(csms::test::toml_lines({
                                  "time_zone = \"UTC\"",
                                  "[[tariff]]",
                                  "name = \"t\"",
                                  "default_period = \"flat\"",
                                  "prices = { flat = 0.7823, night = 0.3 }",
                                  "idle_fee_per_minute = 0.5",
                                  "[[tariff.period]]",
                                  "period = \"night\"",
                                  "weekdays = [\"sat\", \"sun\"]",
                                  "windows = [\"22:00-24:00\", \"23:30-00:00\"]",
                                  "from = 2026-12-24",
                                  "[[assign]]",
                                  "tariff = \"t\"",
                                  "from = \"2026-03-01\"",
                              }),
                              "tariffs.toml");
    const Tariff& t = book.tariffs.at("t");
    CHECK(price_text(t.energy_price.at("flat")) == "0.7823");
    CHECK(price_text(t.energy_price.at("night")) == "0.3000");
    CHECK(fee_text(t.idle_fee_per_minute) == "0.50");
    const PeriodRule& night = t.schedule.at(0);
    CHECK(weekday_names.at(static_cast<std::size_t>(night.weekdays.at(0))) == "sat");
    CHECK(window_text(night.windows.at(0)) == "22:00-24:00");
    CHECK(window_text(night.windows.at(1)) == "23:30-00:00");
    CHECK(date_text(*night.from_date) == "2026-12-24");
    CHECK(date_text(book.assignments.at(0).from_date) == "2026-03-01");
}
