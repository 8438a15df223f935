#pragma once
// The rules file: TOML, one [[rule]] table per rule (format in docs/rules.md).
// Parsing is all or nothing: a file with any error throws RuleFileError and
// never yields a partial RuleSet, so a bad edit cannot replace a good set.
// Every message names the file, the line and the field:
//   "rules.toml:12: rule 'hot': above must be a number"
// Pure functions; safe to call from any thread.
#include "rules/rule.hpp"

#include <stdexcept>
#include <string>
#include <string_view>

namespace csms::rules {

class RuleFileError : public std::runtime_error {
public:
    using runtime_error::runtime_error;
};

// source_name prefixes every message (usually the file's path).
RuleSet parse_rules(std::string_view toml_text, const std::string& source_name);

// Reads and parses path; an unreadable file is a RuleFileError too.
RuleSet load_rule_file(const std::string& path);

} // namespace csms::rules
