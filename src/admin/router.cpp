#include "admin/router.hpp"

#include <charconv>
#include <cstdint>

namespace csms::admin {
namespace {

std::vector<std::string_view> split_path(std::string_view path)
{
    std::vector<std::string_view> out;
    std::size_t start = 1; // after the leading '/'
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos) {
            end = path.size();
        }
        out.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// Well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF): a
// decoded path is stored in the append-only audit log and echoed in JSON, so
// it must never hold bytes that make either invalid.
bool valid_utf8(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size()) {
        auto c = static_cast<unsigned char>(text[i]);
        std::size_t extra = 0;
        std::uint32_t min = 0;
        std::uint32_t code = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1, min = 0x80, code = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2, min = 0x800, code = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3, min = 0x10000, code = c & 0x07;
        } else {
            return false;
        }
        if (i + extra >= text.size()) {
            return false;
        }
        for (std::size_t k = 1; k <= extra; ++k) {
            auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) {
                return false;
            }
            code = (code << 6) | (next & 0x3F);
        }
        if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
            return false;
        }
        i += extra + 1;
    }
    return true;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) {
                return std::nullopt;
            }
            int hi = hex_digit(text[i + 1]);
            int lo = hex_digit(text[i + 2]);
            if (hi < 0 || lo < 0) {
                return std::nullopt;
            }
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            return std::nullopt;
        }
        out += c;
    }
    if (!valid_utf8(out)) {
        return std::nullopt;
    }
    return out;
}

} // namespace

const std::string& ApiCall::param(std::string_view name) const
{
    static const std::string empty;
    auto it = params.find(name);
    return it == params.end() ? empty : it->second;
}

std::optional<std::string> ApiCall::query_value(std::string_view name) const
{
    auto it = query.find(name);
    if (it == query.end()) {
        return std::nullopt;
    }
    return it->second;
}

namespace {

std::optional<std::int64_t> parse_positive(const std::string& text)
{
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value <= 0) {
        return std::nullopt;
    }
    return value;
}

} // namespace

int ApiCall::page_limit() const
{
    auto text = query_value("limit");
    if (!text) {
        return 50;
    }
    auto value = parse_positive(*text);
    if (!value || *value > 500) {
        throw ApiError(400, "bad_request", "limit must be an integer from 1 to 500");
    }
    return static_cast<int>(*value);
}

std::optional<std::int64_t> ApiCall::cursor_id() const
{
    auto text = query_value("cursor");
    if (!text) {
        return std::nullopt;
    }
    auto value = parse_positive(*text);
    if (!value) {
        throw ApiError(400, "bad_request", "cursor must be the 'next' of a previous page");
    }
    return value;
}

void Router::add(Route route)
{
    routes_.push_back(std::move(route));
}

Router::Match Router::match(std::string_view method, std::string_view path) const
{
    Match result;
    auto segments = split_path(path);
    for (const auto& route : routes_) {
        auto pattern = split_path(route.pattern);
        if (pattern.size() != segments.size()) {
            continue;
        }
        Params params;
        bool matched = true;
        for (std::size_t i = 0; i < pattern.size() && matched; ++i) {
            if (pattern[i].size() > 2 && pattern[i].front() == '{' && pattern[i].back() == '}') {
                if (segments[i].empty()) {
                    matched = false;
                } else {
                    params.emplace(std::string(pattern[i].substr(1, pattern[i].size() - 2)), std::string(segments[i]));
                }
            } else {
                matched = pattern[i] == segments[i];
            }
        }
        if (!matched) {
            continue;
        }
        if (route.method != method) {
            result.path_known = true;
            continue;
        }
        result.route = &route;
        result.params = std::move(params);
        return result;
    }
    return result;
}

std::string Router::action_name(const Route& route, const Params& params)
{
    std::string out;
    const std::string& a = route.action;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i] == '{') {
            auto close = a.find('}', i);
            if (close != std::string::npos) {
                auto it = params.find(std::string_view(a).substr(i + 1, close - i - 1));
                if (it != params.end()) {
                    out += it->second;
                    i = close;
                    continue;
                }
            }
        }
        out += a[i];
    }
    return out;
}

std::optional<Target> parse_target(std::string_view target)
{
    auto question = target.find('?');
    auto raw_path = target.substr(0, question);
    if (raw_path.empty() || raw_path.front() != '/') {
        return std::nullopt;
    }
    // Decode segment by segment so an escaped '/' stays inside its segment.
    Target out;
    std::size_t start = 1;
    out.path = "/";
    while (start <= raw_path.size()) {
        auto end = raw_path.find('/', start);
        if (end == std::string_view::npos) {
            end = raw_path.size();
        }
        auto segment = percent_decode(raw_path.substr(start, end - start), false);
        if (!segment || segment->find('/') != std::string::npos) {
            return std::nullopt;
        }
        out.path += *segment;
        if (end < raw_path.size()) {
            out.path += '/';
        }
        start = end + 1;
    }
    if (question == std::string_view::npos) {
        return out;
    }
    auto query = target.substr(question + 1);
    std::size_t pos = 0;
    while (pos < query.size()) {
        auto amp = query.find('&', pos);
        if (amp == std::string_view::npos) {
            amp = query.size();
        }
        auto pair = query.substr(pos, amp - pos);
        pos = amp + 1;
        if (pair.empty()) {
            continue;
        }
        auto eq = pair.find('=');
        auto key = percent_decode(pair.substr(0, eq), true);
        auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
        if (!key || !value) {
            return std::nullopt;
        }
        out.query[*key] = *value;
    }
    return out;
}

} // namespace csms::admin
