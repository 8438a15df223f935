#include "ctl/csv.hpp"

#include "ctl/table.hpp"

#include <cstdlib>

namespace csms::ctl {
namespace {

bool is_number(const std::string& text)
{
    char* end = nullptr;
    std::strtod(text.c_str(), &end);
    return !text.empty() && end == text.c_str() + text.size();
}

} // namespace

std::string csv_cell(const std::string& text)
{
    bool formula =
        !text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@') && !is_number(text);
    std::string cell;
    cell.reserve(text.size() + 1);
    if (formula) {
        cell += '\''; // a spreadsheet shows it as text instead of running it
    }
    cell += text;
    if (cell.find_first_of(",\"\r\n") == std::string::npos) {
        return cell;
    }
    std::string quoted = "\"";
    for (char c : cell) {
        quoted += c;
        if (c == '"') {
            quoted += '"';
        }
    }
    quoted += '"';
    return quoted;
}

std::string csv_line(const std::vector<std::string>& cells)
{
    std::string line;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i > 0) {
            line += ',';
        }
        line += csv_cell(cells[i]);
    }
    line += '\n';
    return line;
}

void print_csv(std::ostream& out, const rapidjson::Value& items, const std::vector<std::string>& keys)
{
    out << csv_line(keys);
    if (!items.IsArray()) {
        return;
    }
    for (const auto& item : items.GetArray()) {
        std::vector<std::string> cells;
        for (const auto& key : keys) {
            const auto* value = member(item, key.c_str());
            cells.push_back(value == nullptr || value->IsNull() ? "" : cell(*value));
        }
        out << csv_line(cells);
    }
}

} // namespace csms::ctl
