#pragma once
// Read-only look into a csmsd database file, through the store's own RAII
// wrappers. Values come back as text ("" for NULL) to keep assertions short.
#include "store/database.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

namespace csms::test {

class TestDb {
public:
    explicit TestDb(const std::string& path) : db_(path, true) {}

    using Row = std::vector<std::string>;

    // Every row of a query; `?` parameters bound in order as text.
    std::vector<Row> rows(const std::string& sql, const std::vector<std::string>& params = {})
    {
        store::Statement statement(db_.handle(), sql);
        for (std::size_t i = 0; i < params.size(); ++i) {
            statement.bind(static_cast<int>(i + 1), std::string_view(params[i]));
        }
        std::vector<Row> out;
        const int columns = sqlite3_column_count(statement.handle());
        while (statement.step()) {
            Row row;
            for (int c = 0; c < columns; ++c) {
                row.push_back(statement.column_text(c));
            }
            out.push_back(std::move(row));
        }
        return out;
    }

    // The first column of the first row, as an integer (0 when no row).
    std::int64_t scalar(const std::string& sql, const std::vector<std::string>& params = {})
    {
        store::Statement statement(db_.handle(), sql);
        for (std::size_t i = 0; i < params.size(); ++i) {
            statement.bind(static_cast<int>(i + 1), std::string_view(params[i]));
        }
        return statement.step() ? statement.column_int64(0) : 0;
    }

    std::int64_t count(const std::string& table) { return scalar("SELECT count(*) FROM " + table); }

private:
    store::Database db_;
};

} // namespace csms::test
