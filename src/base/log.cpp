#include "base/log.hpp"

#include "base/concat.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <stdexcept>

namespace csms::base {

spdlog::level::level_enum parse_log_level(std::string_view name)
{
    if (name == "trace") return spdlog::level::trace;
    if (name == "debug") return spdlog::level::debug;
    if (name == "info") return spdlog::level::info;
    if (name == "warn") return spdlog::level::warn;
    if (name == "error") return spdlog::level::err;
    throw std::invalid_argument(concat("unknown log level '", name, "' (trace|debug|info|warn|error)"));
}

void init_logging(spdlog::level::level_enum level)
{
    auto logger = spdlog::stderr_color_mt("csms");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    logger->set_level(level);
    spdlog::set_default_logger(logger);
}

std::string redact(std::string_view secret)
{
    constexpr std::size_t shown = 4;
    std::string out(secret.substr(0, std::min(shown, secret.size() / 2)));
    out += "…(" + std::to_string(secret.size()) + ")";
    return out;
}

} // namespace csms::base
