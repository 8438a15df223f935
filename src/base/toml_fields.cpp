#include "base/toml_fields.hpp"

#include "base/concat.hpp"
#include "base/nearest_word.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace csms::base {
namespace {

std::string format_number(double value)
{
    std::ostringstream out;
    out << value;
    return out.str();
}

// The decimal digits of a double as written: the shortest fixed notation that
// reads back as the same double is the text the operator typed, less any
// trailing zeros, for anything typed with up to 15 significant digits.
std::optional<std::int64_t> exact_units(double value, int decimals)
{
    char buffer[512];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
    if (ec != std::errc()) {
        return std::nullopt;
    }
    std::string_view text(buffer, static_cast<std::size_t>(end - buffer));
    auto point = text.find('.');
    std::string_view whole = text.substr(0, point);
    std::string fraction(point == std::string_view::npos ? std::string_view() : text.substr(point + 1));
    if (fraction.size() > static_cast<std::size_t>(decimals)) {
        return std::nullopt;
    }
    fraction.resize(static_cast<std::size_t>(decimals), '0');
    std::string digits = std::string(whole) + fraction;
    std::int64_t units = 0;
    auto [last, error] = std::from_chars(digits.data(), digits.data() + digits.size(), units);
    if (error != std::errc() || last != digits.data() + digits.size()) {
        return std::nullopt;
    }
    return units;
}

} // namespace

int line_of(const toml::node& node)
{
    return static_cast<int>(node.source().begin.line);
}

int line_of(const toml::key& key)
{
    return static_cast<int>(key.source().begin.line);
}

std::string in_quotes(std::string_view text)
{
    return concat("'", text, "'");
}

std::string one_of(std::span<const std::string_view> list)
{
    std::string out;
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (i > 0) {
            out += i + 1 == list.size() ? " or " : ", ";
        }
        out += list[i];
    }
    return out;
}

std::string suggestion(std::string_view word, std::span<const std::string_view> candidates)
{
    auto best = nearest_word(word, candidates);
    return best.empty() ? std::string() : " (did you mean " + in_quotes(best) + "?)";
}

bool valid_name(std::string_view name)
{
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
    });
}

void fail_at_line(const std::string& source, int line, const std::string& message)
{
    throw TomlFileError(source + ":" + std::to_string(line) + ": " + message);
}

toml::table parse_toml(std::string_view text, const std::string& source)
{
    try {
        return toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        fail_at_line(source, static_cast<int>(e.source().begin.line), "invalid TOML: " + std::string(e.description()));
    }
}

std::string read_toml_file(const std::string& path, std::string_view what)
{
    std::string prefix = path + ": cannot read " + std::string(what);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        throw TomlFileError(prefix + ": " + (ec ? ec.message() : std::string("not a regular file")));
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw TomlFileError(prefix + ": " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        throw TomlFileError(prefix);
    }
    return text.str();
}

void check_top_level_keys(const toml::table& root, const std::string& source, std::span<const std::string_view> known,
                          std::string_view holds)
{
    for (auto&& [key, node] : root) {
        if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
            fail_at_line(source, line_of(key),
                         "unknown top-level key " + in_quotes(key.str()) + " (" + std::string(holds) + ")");
        }
    }
}

const toml::array* table_array(const toml::table& root, std::string_view key, const std::string& source)
{
    const toml::node* node = root.get(key);
    if (node == nullptr) {
        return nullptr;
    }
    const toml::array* array = node->as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
        fail_at_line(source, line_of(*node),
                     std::string(key) + " must be written [[" + std::string(key) + "]] (an array of tables)");
    }
    return array;
}

TableReader::TableReader(const toml::table& table, const std::string& source, std::string who)
    : table_(table), source_(source), who_(std::move(who))
{
}

void TableReader::fail(int line, const std::string& message) const
{
    fail_at_line(source_, line, who_.empty() ? message : who_ + ": " + message);
}

void TableReader::fail_at(std::string_view key, const std::string& message) const
{
    fail(line_at(key), message);
}

int TableReader::line() const
{
    return line_of(table_);
}

int TableReader::line_at(std::string_view key) const
{
    const toml::node* node = table_.get(key);
    return node != nullptr ? line_of(*node) : line();
}

void TableReader::check_keys(const std::vector<std::string_view>& known, KeyHint hint) const
{
    const toml::key* unknown = nullptr;
    for (auto&& [key, node] : table_) {
        if (std::find(known.begin(), known.end(), key.str()) == known.end() &&
            (unknown == nullptr || line_of(key) < line_of(*unknown))) {
            unknown = &key;
        }
    }
    if (unknown == nullptr) {
        return;
    }
    std::string message = "unknown key " + in_quotes(unknown->str());
    if (hint == KeyHint::known_keys) {
        message += " (known: " + one_of(known) + ")";
    } else {
        message += suggestion(unknown->str(), known);
    }
    fail(line_of(*unknown), message);
}

std::optional<std::string> TableReader::text(std::string_view key) const
{
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    if (!node->is_string()) {
        fail(line_of(*node), std::string(key) + " must be a string");
    }
    return *node->value<std::string>();
}

std::string TableReader::required_text(std::string_view key) const
{
    auto value = text(key);
    if (!value || value->empty()) {
        fail(line_at(key), "missing " + std::string(key));
    }
    return *value;
}

std::optional<bool> TableReader::boolean(std::string_view key) const
{
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    if (!node->is_boolean()) {
        fail(line_of(*node), std::string(key) + " must be true or false");
    }
    return *node->value<bool>();
}

std::optional<double> TableReader::number(std::string_view key, double min) const
{
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    double value = 0;
    if (node->is_integer()) {
        value = static_cast<double>(*node->value<std::int64_t>());
    } else if (node->is_floating_point()) {
        value = *node->value<double>();
    } else {
        fail(line_of(*node), std::string(key) + " must be a number");
    }
    if (!std::isfinite(value)) {
        fail(line_of(*node), std::string(key) + " must be a finite number");
    }
    if (value < min) {
        fail(line_of(*node), std::string(key) + " must be at least " + format_number(min));
    }
    return value;
}

std::optional<std::int64_t> TableReader::whole_number(std::string_view key) const
{
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    if (!node->is_integer()) {
        fail(line_of(*node), std::string(key) + " must be a whole number");
    }
    return *node->value<std::int64_t>();
}

std::optional<int> TableReader::integer(std::string_view key, int min, int max) const
{
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    if (!node->is_integer() || *node->value<std::int64_t>() < min || *node->value<std::int64_t>() > max) {
        fail(line_of(*node),
             std::string(key) + " must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    }
    return static_cast<int>(*node->value<std::int64_t>());
}

std::optional<std::chrono::seconds> TableReader::whole_seconds(std::string_view key) const
{
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    if (!node->is_integer()) {
        fail(line_of(*node), std::string(key) + " must be a whole number of seconds");
    }
    auto value = *node->value<std::int64_t>();
    if (value < 0) {
        fail(line_of(*node), std::string(key) + " must not be negative");
    }
    return std::chrono::seconds{value};
}

std::optional<std::chrono::milliseconds> TableReader::seconds(std::string_view key, double min, double max) const
{
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    double value = 0;
    if (node->is_integer()) {
        value = static_cast<double>(*node->value<std::int64_t>());
    } else if (node->is_floating_point()) {
        value = *node->value<double>();
    } else {
        fail(line_of(*node), std::string(key) + " must be a number of seconds");
    }
    if (!std::isfinite(value) || value < min || value > max) {
        fail(line_of(*node),
             std::string(key) + " must be between " + format_number(min) + " and " + format_number(max) + " seconds");
    }
    return std::chrono::milliseconds{static_cast<std::int64_t>(std::llround(value * 1000))};
}

std::optional<std::int64_t> TableReader::fixed_point(std::string_view key, int decimals, std::int64_t max_units) const
{
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    return fixed_point(*node, std::string(key), decimals, max_units);
}

std::int64_t TableReader::fixed_point(const toml::node& node, const std::string& field, int decimals,
                                      std::int64_t max_units) const
{
    std::int64_t scale = 1;
    for (int i = 0; i < decimals; ++i) {
        scale *= 10;
    }
    std::optional<std::int64_t> units;
    if (node.is_integer()) {
        auto value = *node.value<std::int64_t>();
        if (value >= 0 && value <= max_units / scale) {
            units = value * scale;
        } else {
            units = value < 0 ? -1 : max_units + 1;
        }
    } else if (node.is_floating_point()) {
        double value = *node.value<double>();
        if (!std::isfinite(value)) {
            fail(line_of(node), field + " must be a finite number");
        }
        if (value < 0) {
            units = -1;
        } else if (value > static_cast<double>(max_units) / static_cast<double>(scale)) {
            units = max_units + 1;
        } else {
            units = exact_units(value, decimals);
            if (!units) {
                fail(line_of(node),
                     field + " " + format_number(value) + " has more than " + std::to_string(decimals) + " decimals");
            }
        }
    } else {
        fail(line_of(node), field + " must be a number");
    }
    if (*units < 0) {
        fail(line_of(node), field + " must not be negative");
    }
    if (*units > max_units) {
        fail(line_of(node), field + " must be at most " + std::to_string(max_units / scale));
    }
    return *units;
}

const toml::table* TableReader::subtable(std::string_view key) const
{
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
        return nullptr;
    }
    if (!node->is_table()) {
        fail(line_of(*node), std::string(key) + " must be a table");
    }
    return node->as_table();
}

std::vector<TableReader::Element> TableReader::string_list(std::string_view key) const
{
    std::vector<Element> out;
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
        return out;
    }
    const toml::array* array = node->as_array();
    if (array == nullptr) {
        fail(line_of(*node), std::string(key) + " must be an array of strings such as [\"a\", \"b\"]");
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
        const toml::node& element = *array->get(i);
        std::string field = std::string(key) + "[" + std::to_string(i) + "]";
        if (!element.is_string() || element.value<std::string>()->empty()) {
            fail(line_of(element), field + " must be a non-empty string");
        }
        out.push_back({*element.value<std::string>(), line_of(element), field});
    }
    return out;
}

std::string TableReader::password_from_file(std::string_view key, const std::string& path) const
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        fail_at(key, concat(key, " ", in_quotes(path), " cannot be read"));
    }
    std::string line;
    std::getline(in, line);
    auto first = line.find_first_not_of(" \t\r");
    auto last = line.find_last_not_of(" \t\r");
    if (first == std::string::npos) {
        fail_at(key, concat(key, " ", in_quotes(path), " is empty"));
    }
    return line.substr(first, last - first + 1);
}

} // namespace csms::base
