#include "store/database.hpp"

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
    sqlite3_extended_result_codes(db_, 1);
    try {
        sqlite3_busy_timeout(db_, busy_timeout_ms);
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
        sqlite3_close_v2(db_);
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
