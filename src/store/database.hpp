#pragma once
// RAII over one sqlite3 connection. A Database is used by one thread at a
// time: the writer thread owns one, each reader thread opens its own.
// Read-write connections run in WAL mode with synchronous=FULL, so a COMMIT
// that returned is on disk; the writer's group commit pays that fsync once
// per batch instead of once per message.
#include "store/statement.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeindex>
#include <unordered_map>

struct sqlite3;

namespace csms::store {

class SqliteError : public std::runtime_error {
public:
    SqliteError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
    // The (extended) SQLite result code, e.g. SQLITE_CONSTRAINT_UNIQUE.
    int code() const { return code_; }

private:
    int code_;
};

class Database {
public:
    // How long a statement waits for another connection's lock.
    static constexpr int busy_timeout_ms = 5000;

    // Read-write opens create the file; read-only opens need it to exist.
    explicit Database(const std::string& path, bool read_only = false);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;

    // Runs one or more statements that return no rows of interest.
    void exec(std::string_view sql);

    // Prepared once per connection and kept, keyed by the SQL text; returned
    // reset with its bindings cleared. The reference stays valid for the
    // lifetime of this Database.
    Statement& cached(std::string_view sql);
    std::size_t cached_count() const { return statements_.size(); }

    // How long a statement waits for another connection's lock; 0: not at
    // all. Throws SqliteError if SQLite refuses it.
    void set_busy_timeout(int ms);

    std::int64_t last_insert_rowid() const;
    int changes() const;
    bool in_transaction() const;
    sqlite3* handle() { return db_; }

    // State a store module keeps with this connection between calls (e.g.
    // the sample dictionaries' ids), made on first use.
    template <typename T> T& attached()
    {
        auto& slot = attached_[std::type_index(typeid(T))];
        if (!slot) {
            slot = std::make_shared<T>();
        }
        return *static_cast<T*>(slot.get());
    }

    // Whoever rolls back on this connection (the Writer: a job's savepoint
    // or a whole batch) counts it here, so state kept with attached() knows
    // rows it saw written since may be gone.
    void count_rollback() { ++rollbacks_; }
    std::uint64_t rollbacks() const { return rollbacks_; }

private:
    void close() noexcept;
    // Throws SqliteError naming `what` unless rc is SQLITE_OK.
    void check(int rc, std::string_view what) const;

    sqlite3* db_ = nullptr;
    // unique_ptr keeps each Statement's address stable; std::less<> lets a
    // string_view look up without building a string.
    std::map<std::string, std::unique_ptr<Statement>, std::less<>> statements_;
    std::unordered_map<std::type_index, std::shared_ptr<void>> attached_;
    std::uint64_t rollbacks_ = 0;
};

} // namespace csms::store
