#pragma once
// Scoped transactions. Both undo their work in the destructor unless
// committed/released, and never throw from it: an exception unwinding
// through a scope rolls that scope back.
#include "store/database.hpp"

#include <string>
#include <string_view>
#include <utility>

namespace csms::store {

class Transaction {
public:
    // IMMEDIATE takes the write lock up front, so a transaction never fails
    // half-way with SQLITE_BUSY on its first write.
    explicit Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
    ~Transaction()
    {
        if (!done_) {
            try {
                db_.count_rollback();
                db_.exec("ROLLBACK");
            } catch (...) { // NOLINT(bugprone-empty-catch): SQLite may have rolled back already
            }
        }
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    void commit()
    {
        db_.exec("COMMIT");
        done_ = true;
    }
    // Explicit rollback, for callers that want to see it fail.
    void rollback()
    {
        done_ = true;
        db_.count_rollback();
        db_.exec("ROLLBACK");
    }

private:
    Database& db_;
    bool done_ = false;
};

// A nested unit inside a transaction (or one of its own outside one).
class Savepoint {
public:
    Savepoint(Database& db, std::string name) : db_(db), name_(std::move(name)) { db_.exec("SAVEPOINT " + name_); }
    ~Savepoint()
    {
        if (!done_) {
            try {
                rollback();
            } catch (...) { // NOLINT(bugprone-empty-catch): the enclosing transaction rolls back
            }
        }
    }
    Savepoint(const Savepoint&) = delete;
    Savepoint& operator=(const Savepoint&) = delete;

    void release()
    {
        db_.exec("RELEASE " + name_);
        done_ = true;
    }
    // Undoes the work since the savepoint and removes it from the stack.
    void rollback()
    {
        done_ = true;
        db_.count_rollback();
        db_.exec("ROLLBACK TO " + name_);
        db_.exec("RELEASE " + name_);
    }

private:
    Database& db_;
    std::string name_;
    bool done_ = false;
};

} // namespace csms::store
