#pragma once
// SysTime <-> TEXT columns. Always UTC with milliseconds, so the stored text
// sorts in time order and compares exactly (a retry matches its original).
#include "base/time_format.hpp"
#include "store/database.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace csms::store {

// The same text as base::format_date_time ("2026-01-01T00:05:00.000Z"),
// written digit by digit: the writer formats two times per meter sample, and
// snprintf was a tenth of a MeterValues job.
inline std::string to_column(base::SysTime t)
{
    using namespace std::chrono;
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const int year = static_cast<int>(ymd.year());
    if (year < 0 || year > 9999) {
        return base::format_date_time(t); // never from a charger: the schema's date-time has four digits
    }
    auto ms = static_cast<unsigned>((t - day).count());
    std::string out = "0000-00-00T00:00:00.000Z";
    auto put = [&out](std::size_t at, unsigned value, int digits) {
        for (int i = digits - 1; i >= 0; --i) {
            out[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
            value /= 10;
        }
    };
    put(0, static_cast<unsigned>(year), 4);
    put(5, static_cast<unsigned>(ymd.month()), 2);
    put(8, static_cast<unsigned>(ymd.day()), 2);
    put(11, ms / 3'600'000, 2);
    put(14, ms / 60'000 % 60, 2);
    put(17, ms / 1000 % 60, 2);
    put(20, ms % 1000, 3);
    return out;
}

inline std::optional<std::string> to_column(const std::optional<base::SysTime>& t)
{
    if (!t) {
        return std::nullopt;
    }
    return to_column(*t);
}

// Throws SqliteError for text that is not such a time (a damaged row).
base::SysTime time_from_column(const std::string& text);

inline std::optional<base::SysTime> optional_time_from_column(const std::optional<std::string>& text)
{
    if (!text) {
        return std::nullopt;
    }
    return time_from_column(*text);
}

// SysTime <-> INTEGER columns (the sample store): milliseconds since
// 1970-01-01 UTC, six bytes a time instead of a 24-character text.
inline std::int64_t to_ms_column(base::SysTime t)
{
    return t.time_since_epoch().count();
}

inline base::SysTime time_from_ms_column(std::int64_t ms)
{
    return base::SysTime{std::chrono::milliseconds{ms}};
}

} // namespace csms::store
