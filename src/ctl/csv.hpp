#pragma once
// CSV for spreadsheets and scripts (RFC 4180): a header row of the JSON
// keys, then one row per item; a field holding a comma, quote or line break
// is quoted with its quotes doubled, and JSON null is an empty field.
#include <rapidjson/document.h>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace csms::ctl {

std::string csv_field(std::string_view text);

// items[*][key] for each key, CRLF-free ("\n") lines.
void print_csv(std::ostream& out, const rapidjson::Value& items, const std::vector<std::string>& keys);

} // namespace csms::ctl
