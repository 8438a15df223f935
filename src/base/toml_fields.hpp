#pragma once
// Reading the fields of an operator's TOML file (rules, notifications,
// tariffs) with one voice: every mistake is a TomlFileError whose message
// names the file, the line, the table and the field,
//   "tariffs.toml:9: tariff 'standard': price 'peak' must be a number"
// so each file's parser only states what its fields mean. Each parser
// rethrows TomlFileError as its own error type, so its callers keep
// catching one type per file. Pure functions of the text; any thread.
#include <toml++/toml.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace csms::base {

class TomlFileError : public std::runtime_error {
public:
    using runtime_error::runtime_error;
};

int line_of(const toml::node& node);
int line_of(const toml::key& key);

// "'text'"
std::string in_quotes(std::string_view text);
// "a, b or c"
std::string one_of(std::span<const std::string_view> list);
// " (did you mean 'above'?)" for a near miss (two edits, case ignored), or "".
std::string suggestion(std::string_view word, std::span<const std::string_view> candidates);
// A name other tables refer to: 1 to 64 of A-Z a-z 0-9 _ . -
bool valid_name(std::string_view name);

[[noreturn]] void fail_at_line(const std::string& source, int line, const std::string& message);

// The whole document, or "source:line: invalid TOML: ...".
toml::table parse_toml(std::string_view text, const std::string& source);
// The bytes of path, or "path: cannot read <what>: reason" (what = "the rules file").
std::string read_toml_file(const std::string& path, std::string_view what);
// Every top-level key is one of known, or "source:line: unknown top-level key
// 'x' (<holds>)".
void check_top_level_keys(const toml::table& root, const std::string& source, std::span<const std::string_view> known,
                          std::string_view holds);
// root[key] written as [[key]], or nullptr when absent.
const toml::array* table_array(const toml::table& root, std::string_view key, const std::string& source);

// How an unknown key is explained: the list of known keys, or the nearest
// known key when there is one.
enum class KeyHint { known_keys, did_you_mean };

// Reads the fields of one table; every failure names the file, the line, the
// table ("channel 'ops'", "rule #2"; none when who is empty) and the field.
// An absent optional field reads as nullopt; a present one of the wrong type
// or out of range is an error, never a default.
class TableReader {
public:
    TableReader(const toml::table& table, const std::string& source, std::string who);

    [[noreturn]] void fail(int line, const std::string& message) const;
    // At the key's line, or the table's when the key is absent.
    [[noreturn]] void fail_at(std::string_view key, const std::string& message) const;
    int line() const;
    int line_at(std::string_view key) const;
    // Once a table's name is known and valid, messages say "rule 'hot'".
    void rename(std::string who) { who_ = std::move(who); }
    const std::string& source() const { return source_; }
    const toml::table& table() const { return table_; }

    // The key written earliest that is not known is an error.
    void check_keys(const std::vector<std::string_view>& known, KeyHint hint = KeyHint::known_keys) const;
    bool has(std::string_view key) const { return table_.get(key) != nullptr; }

    std::optional<std::string> text(std::string_view key) const;
    // Present and not empty, or "missing <key>".
    std::string required_text(std::string_view key) const;
    std::optional<bool> boolean(std::string_view key) const;
    // A finite number (integer or float) of at least min.
    std::optional<double> number(std::string_view key, double min = -HUGE_VAL) const;
    // Any whole number.
    std::optional<std::int64_t> whole_number(std::string_view key) const;
    // A whole number in [min, max]: "must be a whole number from 1 to 1000".
    std::optional<int> integer(std::string_view key, int min, int max) const;
    // Whole seconds, not negative.
    std::optional<std::chrono::seconds> whole_seconds(std::string_view key) const;
    // Seconds, whole or fractional, in [min, max].
    std::optional<std::chrono::milliseconds> seconds(std::string_view key, double min, double max) const;
    // A decimal amount with at most `decimals` decimals, not negative and at
    // most max_units, as an exact count of 10^-decimals units: 0.4 with 4
    // decimals is 4000. More decimals are an error, never rounded away.
    std::optional<std::int64_t> fixed_point(std::string_view key, int decimals, std::int64_t max_units) const;
    // The same for any value node, named `field` in messages ("price 'peak'").
    std::int64_t fixed_point(const toml::node& node, const std::string& field, int decimals,
                             std::int64_t max_units) const;
    const toml::table* subtable(std::string_view key) const;
    // The first line of the file `path` names (a `password_file` key),
    // without its line end or surrounding blanks; no message repeats it.
    std::string password_from_file(std::string_view key, const std::string& path) const;

    // An array of non-empty strings; each checked by accept, which returns ""
    // or a problem: "to_roles[0] 'janitor' <problem>".
    template <class Accept> std::vector<std::string> strings(std::string_view key, Accept accept) const
    {
        std::vector<std::string> out;
        for (const auto& [value, line, field] : string_list(key)) {
            if (auto problem = accept(value); !problem.empty()) {
                fail(line, field + " " + in_quotes(value) + " " + problem);
            }
            out.push_back(value);
        }
        return out;
    }

private:
    struct Element {
        std::string value;
        int line;
        std::string field; // "key[i]"
    };
    std::vector<Element> string_list(std::string_view key) const;

    const toml::table& table_;
    const std::string& source_;
    std::string who_;
};

} // namespace csms::base
