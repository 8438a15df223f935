#pragma once
// A migrated database in a fresh temp directory, plus fixed times.
#include "base/clock.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "support/temp_dir.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace csms::store::test {

inline base::SysTime at(std::int64_t seconds_after_2026)
{
    return base::SysTime{std::chrono::milliseconds{1'767'225'600'000 + seconds_after_2026 * 1000}};
}

struct MigratedDb {
    csms::test::TempDir dir;
    std::string path = dir.file("csms.db");
    Database db{path};

    MigratedDb() { migrate(db); }

    std::int64_t count(const std::string& sql)
    {
        auto& statement = db.cached(sql);
        ResetGuard guard(statement);
        statement.step();
        return statement.column_int64(0);
    }

    std::string text(const std::string& sql)
    {
        auto& statement = db.cached(sql);
        ResetGuard guard(statement);
        if (!statement.step()) {
            return "<no row>";
        }
        return statement.column_is_null(0) ? "<null>" : statement.column_text(0);
    }
};

} // namespace csms::store::test
