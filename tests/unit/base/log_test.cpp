#include "base/log.hpp"

#include <catch2/catch.hpp>

TEST_CASE("redact: shows at most four leading characters and the length, never the whole secret", "[base][log]")
{
    CHECK(csms::base::redact("04E9A2B1C3") == "04E9…(10)");
    CHECK(csms::base::redact("AB") == "A…(2)");
    CHECK(csms::base::redact("") == "…(0)");
}

TEST_CASE("log levels: the five names parse, anything else is refused", "[base][log]")
{
    CHECK(csms::base::parse_log_level("warn") == spdlog::level::warn);
    CHECK(csms::base::parse_log_level("error") == spdlog::level::err);
    CHECK_THROWS_AS(csms::base::parse_log_level("verbose"), std::invalid_argument);
}
