#pragma once
// Operator files (rules, notifications, tariffs, partners) written line by
// line in tests, and the one-line error their parser throws.
#include <initializer_list>
#include <string>
#include <string_view>

namespace csms::test {

// Joins lines so that the first one is line 1: expected line numbers can be
// read off the test.
inline std::string toml_lines(std::initializer_list<std::string_view> lines)
{
    std::string text;
    for (auto line : lines) {
        text += line;
        text += '\n';
    }
    return text;
}

// What parse() throws as Error; "accepted" when it throws nothing.
template <class Error, class Parse> std::string parse_error(Parse parse)
{
    try {
        parse();
    } catch (const Error& e) {
        return e.what();
    }
    return "accepted";
}

} // namespace csms::test
