#pragma once
// One-value queries: the first column of the first row of a cached
// statement, for the many lookups that read a single id, count or text.
// nullopt when there is no row or the value is NULL; either way the
// statement is reset before returning.
#include "store/database.hpp"
#include "store/statement.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace csms::store {

template <typename... Args>
std::optional<std::int64_t> query_int64(Database& db, std::string_view sql, const Args&... args)
{
    auto& s = db.cached(sql);
    ResetGuard guard(s);
    bind_all(s, args...);
    if (!s.step()) {
        return std::nullopt;
    }
    return s.column_optional_int64(0);
}

template <typename... Args> std::optional<double> query_double(Database& db, std::string_view sql, const Args&... args)
{
    auto& s = db.cached(sql);
    ResetGuard guard(s);
    bind_all(s, args...);
    if (!s.step() || s.column_is_null(0)) {
        return std::nullopt;
    }
    return s.column_double(0);
}

template <typename... Args>
std::optional<std::string> query_text(Database& db, std::string_view sql, const Args&... args)
{
    auto& s = db.cached(sql);
    ResetGuard guard(s);
    bind_all(s, args...);
    if (!s.step()) {
        return std::nullopt;
    }
    return s.column_optional_text(0);
}

} // namespace csms::store
