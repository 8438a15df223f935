#pragma once
// SysTime <-> TEXT columns. Always UTC with milliseconds, so the stored text
// sorts in time order and compares exactly (a retry matches its original).
#include "base/time_format.hpp"
#include "store/database.hpp"

#include <optional>
#include <string>

#include <sqlite3.h>

namespace csms::store {

inline std::string to_column(base::SysTime t)
{
    return base::format_date_time(t);
}

inline std::optional<std::string> to_column(const std::optional<base::SysTime>& t)
{
    if (!t) {
        return std::nullopt;
    }
    return base::format_date_time(*t);
}

inline base::SysTime time_from_column(const std::string& text)
{
    auto t = base::parse_date_time(text);
    if (!t) {
        throw SqliteError(SQLITE_MISMATCH, "unreadable time column: '" + text + "'");
    }
    return *t;
}

inline std::optional<base::SysTime> optional_time_from_column(const std::optional<std::string>& text)
{
    if (!text) {
        return std::nullopt;
    }
    return time_from_column(*text);
}

} // namespace csms::store
