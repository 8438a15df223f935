#include "store/database.hpp"

#include "base/concat.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <utility>

namespace csms::store {

Database::Database(const std::string& path, bool read_only)
{
    int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = "open '" + path + "': " + (db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
        close();
        throw SqliteError(rc, message);
    }
    try {
        // SqliteError::code() promises extended codes (SQLITE_CONSTRAINT_UNIQUE...).
        check(sqlite3_extended_result_codes(db_, 1), "extended result codes");
        set_busy_timeout(busy_timeout_ms);
        exec("PRAGMA foreign_keys=ON");
        if (!read_only) {
            // journal_mode is persistent in the file; a read-only connection
            // could not change it and follows whatever the writer set.
            exec("PRAGMA journal_mode=WAL");
            exec("PRAGMA synchronous=FULL");
        }
    } catch (...) {
        close();
        throw;
    }
}

Database::~Database()
{
    close();
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), statements_(std::move(other.statements_)),
      attached_(std::move(other.attached_)), rollbacks_(other.rollbacks_)
{
}

Database& Database::operator=(Database&& other) noexcept
{
    if (this != &other) {
        close();
        db_ = std::exchange(other.db_, nullptr);
        statements_ = std::move(other.statements_);
        attached_ = std::move(other.attached_);
        rollbacks_ = other.rollbacks_;
    }
    return *this;
}

void Database::close() noexcept
{
    // Statements first: a connection with live statements would only become a
    // zombie under close_v2 and keep the file open.
    statements_.clear();
    attached_.clear();
    if (db_ != nullptr) {
        // close_v2 fails only on misuse (e.g. a handle already closed); there
        // is nothing left to do with the connection, but it is worth a line.
        if (int rc = sqlite3_close_v2(db_); rc != SQLITE_OK) {
            spdlog::error("database: close failed: {}", sqlite3_errstr(rc));
        }
        db_ = nullptr;
    }
}

void Database::exec(std::string_view sql)
{
    std::string text(sql); // sqlite3_exec needs NUL termination
    char* error = nullptr;
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        std::string message = error != nullptr ? error : sqlite3_errmsg(db_);
        sqlite3_free(error);
        int code = sqlite3_extended_errcode(db_);
        throw SqliteError(code != SQLITE_OK ? code : rc, "exec '" + text + "': " + message);
    }
}

void Database::set_busy_timeout(int ms)
{
    check(sqlite3_busy_timeout(db_, ms), "busy timeout");
}

void Database::check(int rc, std::string_view what) const
{
    if (rc != SQLITE_OK) {
        throw SqliteError(rc, base::concat(what, ": ", sqlite3_errstr(rc)));
    }
}

Statement& Database::cached(std::string_view sql)
{
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
        it = statements_.emplace(std::string(sql), std::make_unique<Statement>(db_, sql)).first;
    }
    it->second->reset();
    return *it->second;
}

std::int64_t Database::last_insert_rowid() const
{
    return sqlite3_last_insert_rowid(db_);
}

int Database::changes() const
{
    return sqlite3_changes(db_);
}

bool Database::in_transaction() const
{
    return sqlite3_get_autocommit(db_) == 0;
}

} // namespace csms::store
