#pragma once
// The chargers columns the engine's queries return, as the conditions read them.
#include "rules/conditions.hpp"
#include "store/rule_source.hpp"

namespace csms::rules {

inline ChargerFacts facts_of(const store::ChargerFactsRow& row)
{
    return ChargerFacts{row.model, row.region, row.rated_power_w, row.rated_current_a};
}

} // namespace csms::rules
