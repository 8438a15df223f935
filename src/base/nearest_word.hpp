#pragma once
// The known word a mistyped one was most likely meant to be, for
// "did you mean ...?" hints (config keys, rule fields, csmsctl's nouns and
// verbs). Pure functions; any thread.
#include <cstddef>
#include <span>
#include <string_view>

namespace csms::base {

// Levenshtein distance, case ignored.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to word within two edits (the first of equals), or
// "" when none is that near.
std::string_view nearest_word(std::string_view word, std::span<const std::string_view> candidates);

} // namespace csms::base
