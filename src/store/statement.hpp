#pragma once
// RAII over sqlite3_stmt. A Statement belongs to one connection and, like it,
// to one thread at a time. Nothing here throws from a destructor.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace csms::store {

class Statement {
public:
    // Prepares exactly one SQL statement; trailing text other than blanks and
    // ';' is refused, so a second statement is never silently ignored.
    Statement(sqlite3* db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;

    // Indexes start at 1, as in sqlite3_bind_*.
    void bind(int index, std::int64_t value);
    void bind(int index, int value);
    void bind(int index, double value);
    void bind(int index, std::string_view value);
    // Binds without a copy: value must stay alive and unchanged until the
    // statement is reset (e.g. the row's own strings across execute()).
    void bind_static(int index, std::string_view value);
    void bind(int index, std::nullptr_t);
    template <typename T> void bind(int index, const std::optional<T>& value)
    {
        if (value) {
            bind(index, *value);
        } else {
            bind(index, nullptr);
        }
    }
    // A char pointer would otherwise be ambiguous between string_view and the
    // null overload; a bool would silently become an int.
    void bind(int index, const char* value) { bind(index, std::string_view{value}); }
    void bind(int index, bool) = delete;

    // true: a row is available; false: done. Throws SqliteError on failure.
    bool step();
    // Steps to the end (rows, e.g. from RETURNING, are discarded), then resets.
    void execute();

    // Columns start at 0, as in sqlite3_column_*.
    std::int64_t column_int64(int column) const;
    int column_int(int column) const;
    double column_double(int column) const;
    std::string column_text(int column) const; // "" for NULL
    bool column_is_null(int column) const;
    std::optional<std::string> column_optional_text(int column) const;
    std::optional<std::int64_t> column_optional_int64(int column) const;

    // Resets the statement and clears its bindings.
    void reset() noexcept;

    const char* sql() const noexcept;
    sqlite3_stmt* handle() noexcept { return stmt_; }

private:
    void check_bind(int rc, int index) const;

    sqlite3_stmt* stmt_ = nullptr;
};

// Binds args to ?1, ?2, ... in order, through the overloads above (so an
// empty std::optional or nullptr binds NULL).
template <typename... Args> void bind_all([[maybe_unused]] Statement& statement, const Args&... args)
{
    [[maybe_unused]] int index = 0;
    (statement.bind(++index, args), ...);
}

// Resets a statement when the scope ends, so a cached statement never keeps a
// read open (or its bindings) after an exception or an early return.
class ResetGuard {
public:
    explicit ResetGuard(Statement& statement) noexcept : statement_(statement) {}
    ~ResetGuard() { statement_.reset(); }
    ResetGuard(const ResetGuard&) = delete;
    ResetGuard& operator=(const ResetGuard&) = delete;

private:
    Statement& statement_;
};

} // namespace csms::store
