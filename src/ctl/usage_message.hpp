#pragma once
// What csmsctl says about a command line it cannot run: one line naming the
// word that was wrong and where to look, rather than CLI11's own text
// ("A subcommand is required" for a mistyped verb):
//   unknown verb 'lst' for chargers (did you mean list?)
//   unknown noun 'chargrs' (did you mean chargers?)
//   missing TAG; see csmsctl id-tags add --help
#include <CLI/CLI.hpp>

#include <string>

namespace csms::ctl {

// `app` is the parsed (or half-parsed) command line that threw `error`.
std::string usage_message(const CLI::App& app, const CLI::ParseError& error);

} // namespace csms::ctl
