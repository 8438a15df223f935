#pragma once
// Logging goes through spdlog. Personal data (id tags) and secrets never reach
// a log line in clear: pass them through redact() first.
#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

namespace csms::base {

// Parses trace|debug|info|warn|error; throws std::invalid_argument otherwise.
spdlog::level::level_enum parse_log_level(std::string_view name);

// Logs go to stderr so stdout carries only the ready line.
void init_logging(spdlog::level::level_enum level);

// "04E9A2B1C3" -> "04E9…(10)": enough to correlate, not enough to reuse.
std::string redact(std::string_view secret);

} // namespace csms::base
