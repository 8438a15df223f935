#pragma once
// Human output: aligned tables with a header line, and "key: value" blocks
// for one object. JSON null shows as "-", so an empty cell never shifts a
// column for `awk`.
#include <rapidjson/document.h>

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace csms::ctl {

// One JSON value as a cell: strings bare, null "-", bools yes/no, numbers as
// written, objects and arrays as compact JSON.
std::string cell(const rapidjson::Value& value);
// item[key] as a cell; "-" when absent.
std::string cell(const rapidjson::Value& item, const char* key);
std::string compact_json(const rapidjson::Value& value);
// object[key], or nullptr when object is no object or lacks the key.
const rapidjson::Value* member(const rapidjson::Value& object, const char* key);

class Table {
public:
    explicit Table(std::vector<std::string> headers);
    void add_row(std::vector<std::string> cells);
    // Columns separated by two spaces, no trailing blanks.
    void print(std::ostream& out) const;
    std::size_t rows() const { return rows_.size(); }

private:
    std::vector<std::string> headers_;
    std::vector<std::vector<std::string>> rows_;
};

// A column of a list: its header and how to get the cell from an item.
struct Column {
    std::string header;
    std::function<std::string(const rapidjson::Value& item)> get;
};
Column field(std::string header, const char* key);

// items as a table with the given columns.
void print_items(std::ostream& out, const rapidjson::Value& items, const std::vector<Column>& columns);

// One object: scalars as "key: value" lines, nested objects as
// "key.sub: value", arrays of objects as a titled table after the scalars.
void print_object(std::ostream& out, const rapidjson::Value& object);

} // namespace csms::ctl
