#include "store/time_column.hpp"

#include <sqlite3.h>

namespace csms::store {

// Out of line so that the headers which read times need not include sqlite3.h
// for SQLITE_MISMATCH.
base::SysTime time_from_column(const std::string& text)
{
    auto t = base::parse_date_time(text);
    if (!t) {
        throw SqliteError(SQLITE_MISMATCH, "unreadable time column: '" + text + "'");
    }
    return *t;
}

} // namespace csms::store
