#include "base/nearest_word.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <string_view>

using csms::base::nearest_word;

TEST_CASE("nearest_word finds a typo's word within two edits, case ignored", "[base][nearest_word]")
{
    constexpr std::array<std::string_view, 4> verbs{"list", "show", "add", "set"};
    CHECK(nearest_word("lst", verbs) == "list");
    CHECK(nearest_word("SHOW", verbs) == "show");
    CHECK(nearest_word("sow", verbs) == "show");
    CHECK(nearest_word("frobnicate", verbs).empty());
    constexpr std::array<std::string_view, 2> nouns{"chargers", "transactions"};
    CHECK(nearest_word("chargrs", nouns) == "chargers");
    CHECK(nearest_word("charger", nouns) == "chargers");
    CHECK(nearest_word("", nouns).empty());
}
