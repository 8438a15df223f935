#pragma once
// Charger identity from the upgrade request target "/ocpp/{chargePointId}".
#include <optional>
#include <string>
#include <string_view>

namespace csms::net {

inline constexpr std::size_t max_charger_id_length = 64;

// Percent-decodes the segment after the prefix. Refuses an empty or
// over-long id, control characters, '/', malformed escapes and query strings
// left undecoded. The prefix must match exactly ("/ocpp/").
std::optional<std::string> charger_id_from_target(std::string_view target, std::string_view prefix = "/ocpp/");

} // namespace csms::net
