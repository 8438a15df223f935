#include "ctl/csv.hpp"

#include "ctl/table.hpp"

namespace csms::ctl {

std::string csv_field(std::string_view text)
{
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
        return std::string(text);
    }
    std::string out = "\"";
    for (char c : text) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

void print_csv(std::ostream& out, const rapidjson::Value& items, const std::vector<std::string>& keys)
{
    for (std::size_t i = 0; i < keys.size(); ++i) {
        out << (i > 0 ? "," : "") << csv_field(keys[i]);
    }
    out << "\n";
    if (!items.IsArray()) {
        return;
    }
    for (const auto& item : items.GetArray()) {
        for (std::size_t i = 0; i < keys.size(); ++i) {
            const auto* value = member(item, keys[i].c_str());
            out << (i > 0 ? "," : "") << (value == nullptr || value->IsNull() ? "" : csv_field(cell(*value)));
        }
        out << "\n";
    }
}

} // namespace csms::ctl
