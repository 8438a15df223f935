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

// The first row's first column read by `read`, or nullopt without a row.
template <typename Read, typename... Args>
auto query_one(Database& db, std::string_view sql, Read read, const Args&... args) -> decltype(read(db.cached(sql)))
{
    auto& s = db.cached(sql);
    ResetGuard guard(s);
    bind_all(s, args...);
    if (!s.step()) {
        return std::nullopt;
    }
    return read(s);
}

template <typename... Args>
std::optional<std::int64_t> query_int64(Database& db, std::string_view sql, const Args&... args)
{
    return query_one(
        db, sql, [](Statement& s) { return s.column_optional_int64(0); }, args...);
}

template <typename... Args> std::optional<double> query_double(Database& db, std::string_view sql, const Args&... args)
{
    return query_one(
        db, sql,
        [](Statement& s) { return s.column_is_null(0) ? std::nullopt : std::optional<double>(s.column_double(0)); },
        args...);
}

template <typename... Args>
std::optional<std::string> query_text(Database& db, std::string_view sql, const Args&... args)
{
    return query_one(
        db, sql, [](Statement& s) { return s.column_optional_text(0); }, args...);
}

} // namespace csms::store
