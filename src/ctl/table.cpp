#include "ctl/table.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

namespace csms::ctl {
namespace {

bool is_table_array(const rapidjson::Value& v)
{
    return v.IsArray() && !v.Empty() && std::all_of(v.Begin(), v.End(), [](const auto& e) { return e.IsObject(); });
}

void print_scalars(std::ostream& out, const std::string& prefix, const rapidjson::Value& object,
                   std::vector<std::pair<std::string, const rapidjson::Value*>>& tables)
{
    for (const auto& m : object.GetObject()) {
        std::string key = prefix + m.name.GetString();
        if (m.value.IsObject() && !m.value.ObjectEmpty()) {
            print_scalars(out, key + ".", m.value, tables);
        } else if (is_table_array(m.value)) {
            tables.emplace_back(key, &m.value);
        } else {
            out << key << ": " << cell(m.value) << "\n";
        }
    }
}

} // namespace

std::string compact_json(const rapidjson::Value& value)
{
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    value.Accept(w);
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string cell(const rapidjson::Value& value)
{
    if (value.IsNull()) {
        return "-";
    }
    if (value.IsString()) {
        return std::string(value.GetString(), value.GetStringLength());
    }
    if (value.IsBool()) {
        return value.GetBool() ? "yes" : "no";
    }
    return compact_json(value);
}

const rapidjson::Value* member(const rapidjson::Value& object, const char* key)
{
    if (!object.IsObject()) {
        return nullptr;
    }
    auto it = object.FindMember(key);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

std::string cell(const rapidjson::Value& item, const char* key)
{
    const auto* value = member(item, key);
    return value == nullptr ? "-" : cell(*value);
}

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::add_row(std::vector<std::string> cells)
{
    // An empty cell would shift the columns for awk; show it as "-".
    // (assign(1, '-'): GCC 12 warns falsely on `c = "-"` here, -Wrestrict.)
    cells.resize(headers_.size());
    for (auto& c : cells) {
        if (c.empty()) {
            c.assign(1, '-');
        }
    }
    rows_.push_back(std::move(cells));
}

void Table::print(std::ostream& out) const
{
    std::vector<std::size_t> widths(headers_.size());
    for (std::size_t i = 0; i < headers_.size(); ++i) {
        widths[i] = headers_[i].size();
        for (const auto& row : rows_) {
            widths[i] = std::max(widths[i], row[i].size());
        }
    }
    auto line = [&](const std::vector<std::string>& cells) {
        std::string text;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            text += cells[i];
            if (i + 1 < cells.size()) {
                text.append(widths[i] - cells[i].size() + 2, ' ');
            }
        }
        out << text << "\n";
    };
    line(headers_);
    for (const auto& row : rows_) {
        line(row);
    }
}

Column field(std::string header, const char* key)
{
    return Column{std::move(header), [key](const rapidjson::Value& item) { return cell(item, key); }};
}

void print_items(std::ostream& out, const rapidjson::Value& items, const std::vector<Column>& columns)
{
    std::vector<std::string> headers;
    for (const auto& c : columns) {
        headers.push_back(c.header);
    }
    Table table(std::move(headers));
    if (items.IsArray()) {
        for (const auto& item : items.GetArray()) {
            std::vector<std::string> row;
            for (const auto& c : columns) {
                row.push_back(c.get(item));
            }
            table.add_row(std::move(row));
        }
    }
    table.print(out);
}

void print_object(std::ostream& out, const rapidjson::Value& object)
{
    if (!object.IsObject()) {
        out << cell(object) << "\n";
        return;
    }
    std::vector<std::pair<std::string, const rapidjson::Value*>> tables;
    print_scalars(out, "", object, tables);
    for (const auto& [title, array] : tables) {
        // Headers are the union of the members, in order of first sight.
        std::vector<std::string> keys;
        for (const auto& item : array->GetArray()) {
            for (const auto& m : item.GetObject()) {
                std::string key = m.name.GetString();
                if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
                    keys.push_back(key);
                }
            }
        }
        out << "\n" << title << ":\n";
        Table table(keys);
        for (const auto& item : array->GetArray()) {
            std::vector<std::string> row;
            for (const auto& key : keys) {
                row.push_back(cell(item, key.c_str()));
            }
            table.add_row(std::move(row));
        }
        table.print(out);
    }
}

} // namespace csms::ctl
