#include "store/statement.hpp"

#include "base/concat.hpp"
#include "store/database.hpp"

#include <sqlite3.h>

#include <utility>

namespace csms::store {
namespace {

bool only_separators(const char* tail)
{
    for (; tail != nullptr && *tail != '\0'; ++tail) {
        char c = *tail;
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ';') {
            return false;
        }
    }
    return true;
}

} // namespace

Statement::Statement(sqlite3* db, std::string_view sql)
{
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, &tail);
    if (rc != SQLITE_OK) {
        throw SqliteError(rc, base::concat("prepare '", sql, "': ", sqlite3_errmsg(db)));
    }
    if (stmt_ == nullptr) {
        throw SqliteError(SQLITE_MISUSE, base::concat("prepare '", sql, "': no statement"));
    }
    // tail points into sql, which need not be NUL-terminated.
    const char* end = sql.data() + sql.size();
    if (!only_separators(std::string(tail, end).c_str())) {
        sqlite3_finalize(stmt_);
        stmt_ = nullptr;
        throw SqliteError(SQLITE_MISUSE, base::concat("prepare '", sql, "': more than one statement"));
    }
}

Statement::~Statement()
{
    sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(stmt_);
        stmt_ = std::exchange(other.stmt_, nullptr);
    }
    return *this;
}

void Statement::check_bind(int rc, int index) const
{
    if (rc != SQLITE_OK) {
        throw SqliteError(rc, "bind #" + std::to_string(index) + " of '" + sql() +
                                  "': " + sqlite3_errmsg(sqlite3_db_handle(stmt_)));
    }
}

void Statement::bind(int index, std::int64_t value)
{
    check_bind(sqlite3_bind_int64(stmt_, index, value), index);
}

void Statement::bind(int index, int value)
{
    check_bind(sqlite3_bind_int(stmt_, index, value), index);
}

void Statement::bind(int index, double value)
{
    check_bind(sqlite3_bind_double(stmt_, index, value), index);
}

void Statement::bind(int index, std::string_view value)
{
    check_bind(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8), index);
}

void Statement::bind_static(int index, std::string_view value)
{
    check_bind(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8), index);
}

void Statement::bind(int index, std::nullptr_t)
{
    check_bind(sqlite3_bind_null(stmt_, index), index);
}

bool Statement::step()
{
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    throw SqliteError(rc, std::string("step '") + sql() + "': " + sqlite3_errmsg(sqlite3_db_handle(stmt_)));
}

void Statement::execute()
{
    ResetGuard guard(*this);
    while (step()) {
    }
}

std::int64_t Statement::column_int64(int column) const
{
    return sqlite3_column_int64(stmt_, column);
}

int Statement::column_int(int column) const
{
    return sqlite3_column_int(stmt_, column);
}

double Statement::column_double(int column) const
{
    return sqlite3_column_double(stmt_, column);
}

std::string Statement::column_text(int column) const
{
    const auto* text = sqlite3_column_text(stmt_, column);
    if (text == nullptr) {
        return {};
    }
    // column_bytes after column_text: the text conversion may change the size.
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Statement::column_is_null(int column) const
{
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::optional<std::string> Statement::column_optional_text(int column) const
{
    if (column_is_null(column)) {
        return std::nullopt;
    }
    return column_text(column);
}

std::optional<std::int64_t> Statement::column_optional_int64(int column) const
{
    if (column_is_null(column)) {
        return std::nullopt;
    }
    return column_int64(column);
}

void Statement::reset() noexcept
{
    // sqlite3_reset repeats the last step's error code; that error was already
    // reported by step(), so it is deliberately ignored here.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

const char* Statement::sql() const noexcept
{
    const char* text = sqlite3_sql(stmt_);
    return text != nullptr ? text : "";
}

} // namespace csms::store
