#pragma once
// CSV for spreadsheets and scripts (RFC 4180): a cell with a comma, a quote
// or a line break is quoted with its quotes doubled; JSON null is an empty
// cell. A text cell that a spreadsheet would run as a formula (=, +, -, @
// and not a number) gets a leading apostrophe, so an id tag a customer or a
// charger chose cannot become a formula in an operator's sheet.
#include <rapidjson/document.h>

#include <ostream>
#include <string>
#include <vector>

namespace csms::ctl {

std::string csv_cell(const std::string& text);
// The cells joined by commas, ending in "\n".
std::string csv_line(const std::vector<std::string>& cells);

// A header row of the keys, then items[*][key] for each key, one line each.
void print_csv(std::ostream& out, const rapidjson::Value& items, const std::vector<std::string>& keys);

} // namespace csms::ctl
