#pragma once
// CSV for spreadsheets (RFC 4180): a cell with a comma, a quote or a line
// break is quoted, quotes doubled. A text cell that a spreadsheet would run
// as a formula (=, +, -, @ and not a number) gets a leading apostrophe, so an
// id tag a customer chose cannot become a formula in an operator's sheet.
#include <string>
#include <vector>

namespace csms::ctl {

std::string csv_cell(const std::string& text);
// The cells joined by commas, ending in "\n".
std::string csv_line(const std::vector<std::string>& cells);

} // namespace csms::ctl
