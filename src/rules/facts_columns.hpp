#pragma once
// The engine's queries end with the chargers columns model, region,
// rated_power_w and rated_current_a; this reads them from column `first` on.
#include "rules/conditions.hpp"
#include "store/statement.hpp"

#include <optional>

namespace csms::rules {

inline ChargerFacts facts_at(const store::Statement& s, int first)
{
    auto optional_double = [&s](int column) {
        return s.column_is_null(column) ? std::nullopt : std::optional<double>(s.column_double(column));
    };
    return ChargerFacts{s.column_optional_text(first), s.column_optional_text(first + 1), optional_double(first + 2),
                        optional_double(first + 3)};
}

} // namespace csms::rules
