#include "billing/tariff_book.hpp"

#include "base/time_format.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace csms;
using namespace csms::billing;

namespace {

// Four tariffs, one per scope, so the chosen tariff's name says which
// assignment won; dates are Shanghai local midnights.
const char* const book_text = R"(
time_zone = "Asia/Shanghai"

[[tariff]]
name = "everywhere"
default_period = "flat"
prices = { flat = 1.0 }

[[tariff]]
name = "province"
default_period = "flat"
prices = { flat = 0.9 }

[[tariff]]
name = "city"
default_period = "flat"
prices = { flat = 0.8 }

[[tariff]]
name = "charger"
default_period = "flat"
prices = { flat = 0.7 }

[[tariff]]
name = "fleet"
default_period = "flat"
prices = { flat = 0.6 }

[[tariff]]
name = "fleet-2027"
default_period = "flat"
prices = { flat = 0.5 }

[[assign]]
tariff = "everywhere"
from = "2026-01-01"

[[assign]]
tariff = "province"
region = "Guangdong"
from = "2026-01-01"

[[assign]]
tariff = "city"
region = "Guangdong/Shenzhen"
from = "2026-07-01"

[[assign]]
tariff = "charger"
charger = "CP-001"
from = "2026-01-01"

[[assign]]
tariff = "fleet"
tag_group = "FLEET-A"
from = "2026-03-01"

[[assign]]
tariff = "fleet-2027"
tag_group = "FLEET-A"
from = "2027-01-01"
)";

const TariffBook& book()
{
    static const TariffBook parsed = parse_tariffs(book_text, "tariffs.toml");
    return parsed;
}

base::SysTime utc(const std::string& text)
{
    return *base::parse_date_time(text);
}

// The name of the tariff chosen, or "none".
std::string chosen(const SessionPlace& place, const std::string& start)
{
    auto choice = book().choose(place, utc(start));
    if (choice.tariff == nullptr) {
        return "none";
    }
    REQUIRE(choice.assignment != nullptr);
    CHECK(choice.assignment->tariff == choice.tariff->name);
    return choice.tariff->name;
}

SessionPlace at(std::string charger, std::optional<std::string> region = std::nullopt,
                std::optional<std::string> tag_group = std::nullopt)
{
    return SessionPlace{std::move(charger), std::move(region), std::move(tag_group)};
}

constexpr const char* summer = "2026-08-01T04:00:00Z";

} // namespace

TEST_CASE("TariffBook: each scope chooses its tariff", "[billing][tariff_book]")
{
    CHECK(chosen(at("CP-999"), summer) == "everywhere");
    CHECK(chosen(at("CP-999", "Guangdong/Guangzhou"), summer) == "province");
    CHECK(chosen(at("CP-999", "Guangdong/Shenzhen/Nanshan"), summer) == "city");
    CHECK(chosen(at("CP-001"), summer) == "charger");
    CHECK(chosen(at("CP-999", std::nullopt, "FLEET-A"), summer) == "fleet");
    auto choice = book().choose(at("CP-999", std::nullopt, "FLEET-A"), utc(summer));
    REQUIRE(choice.assignment != nullptr);
    CHECK(choice.assignment->scope == AssignmentScope::tag_group);
    CHECK(choice.assignment->value == "FLEET-A");
}

TEST_CASE("TariffBook: tag group beats charger beats the longest region path beats everywhere",
          "[billing][tariff_book]")
{
    CHECK(chosen(at("CP-001", "Guangdong/Shenzhen", "FLEET-A"), summer) == "fleet");
    CHECK(chosen(at("CP-001", "Guangdong/Shenzhen", "OTHER-GROUP"), summer) == "charger");
    CHECK(chosen(at("CP-002", "Guangdong/Shenzhen"), summer) == "city");
    CHECK(chosen(at("CP-002", "Guangdong"), summer) == "province");
}

TEST_CASE("TariffBook: region paths match whole parts and case", "[billing][tariff_book]")
{
    CHECK(chosen(at("CP-9", "Guangdong/Shenzhen"), summer) == "city");
    CHECK(chosen(at("CP-9", "Guangdong/Shenzhen/Nanshan/Coastal Park"), summer) == "city");
    CHECK(chosen(at("CP-9", "Guangdong/ShenzhenBay"), summer) == "province");
    CHECK(chosen(at("CP-9", "GuangdongX"), summer) == "everywhere");
    CHECK(chosen(at("CP-9", "guangdong/shenzhen"), summer) == "everywhere");
    CHECK(chosen(at("CP-9", "Hunan/Guangdong"), summer) == "everywhere");
}

TEST_CASE("TariffBook: an assignment is in force from local midnight of its date in the book's zone",
          "[billing][tariff_book]")
{
    // 2026-07-01 00:00 in Shanghai is 2026-06-30 16:00 UTC.
    auto shenzhen = at("CP-9", "Guangdong/Shenzhen");
    CHECK(chosen(shenzhen, "2026-06-30T15:59:59.999Z") == "province");
    CHECK(chosen(shenzhen, "2026-06-30T16:00:00Z") == "city");
    // Before any assignment's date nothing is in force.
    CHECK(chosen(at("CP-9"), "2025-12-31T15:59:59Z") == "none");
    CHECK(chosen(at("CP-9"), "2025-12-31T16:00:00Z") == "everywhere");
}

TEST_CASE("TariffBook: the latest date not after the start wins within a scope", "[billing][tariff_book]")
{
    auto fleet = at("CP-9", std::nullopt, "FLEET-A");
    CHECK(chosen(fleet, "2026-12-31T15:59:59Z") == "fleet");
    CHECK(chosen(fleet, "2026-12-31T16:00:00Z") == "fleet-2027");
    CHECK(chosen(fleet, "2030-01-01T00:00:00Z") == "fleet-2027");
}

TEST_CASE("TariffBook: a scope whose assignments all start later falls through to the next", "[billing][tariff_book]")
{
    // FLEET-A's first assignment starts 2026-03-01: before it the charger's
    // tariff applies, and on a charger without one the region's.
    CHECK(chosen(at("CP-001", "Guangdong/Shenzhen", "FLEET-A"), "2026-02-15T04:00:00Z") == "charger");
    // Shenzhen's own tariff starts 2026-07-01: before it Guangdong's.
    CHECK(chosen(at("CP-9", "Guangdong/Shenzhen", "FLEET-A"), "2026-02-15T04:00:00Z") == "province");
    CHECK(chosen(at("CP-9", "Guangdong/Shenzhen"), "2026-06-01T04:00:00Z") == "province");
}

TEST_CASE("TariffBook: without a place's region or tag group only the other scopes apply", "[billing][tariff_book]")
{
    CHECK(chosen(at("CP-9", std::nullopt, std::nullopt), summer) == "everywhere");
    TariffBook only_regions = parse_tariffs(R"(
[[tariff]]
name = "t"
default_period = "flat"
prices = { flat = 1 }

[[assign]]
tariff = "t"
region = "Guangdong"
from = "2026-01-01"
)",
                                            "tariffs.toml");
    CHECK(only_regions.choose(at("CP-9"), utc(summer)).tariff == nullptr);
    CHECK(only_regions.choose(at("CP-9", "Guangdong"), utc(summer)).tariff != nullptr);
}
