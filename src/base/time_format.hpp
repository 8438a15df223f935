#pragma once
// RFC 3339 / ISO 8601 date-times as OCPP 1.6 uses them ("2026-11-26T08:30:00Z",
// "2026-11-26T08:30:00.123+08:00"). RapidJSON ignores "format", so every
// date-time a charger sends goes through parse_date_time().
#include "base/clock.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace csms::base {

// Accepts YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM); 't'/'z' and ' ' as the
// separator are accepted too. Fractions beyond milliseconds are truncated.
// Returns nullopt for anything else, including impossible dates (Feb 30).
std::optional<SysTime> parse_date_time(std::string_view text);

// Always UTC with milliseconds: "2026-11-26T08:30:00.123Z".
std::string format_date_time(SysTime t);

} // namespace csms::base
