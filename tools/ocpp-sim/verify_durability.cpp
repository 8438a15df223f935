#include "verify_durability.hpp"

#include "base/time_format.hpp"
#include "durability_log.hpp"
#include "store/database.hpp"
#include "store/time_column.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace csms::sim {
namespace {

// The schema of src/store/migrations/ (0001_init.sql, 0017_sample_store.sql).
// The sim always charges on connector 1, in Wh; naming the connector lets
// the lookup use the samples' key (connector, time).
constexpr std::string_view start_sql = "SELECT 1 FROM transactions WHERE transaction_id = ?1 AND charger_id = ?2 "
                                       "AND meter_start_wh = ?3";
constexpr std::string_view stop_sql = "SELECT 1 FROM transactions WHERE transaction_id = ?1 AND charger_id = ?2 "
                                      "AND meter_stop_wh = ?3";
constexpr std::string_view meter_sql = R"sql(
    SELECT 1 FROM samples s
    JOIN sample_messages m ON m.id = s.message
    JOIN sample_kinds k ON k.id = s.kind
    WHERE s.connector = (SELECT id FROM sample_connectors WHERE charger_id = ?2 AND connector_id = 1)
      AND s.time = ?4 AND s.value = ?3 AND k.measurand = 'Energy.Active.Import.Register'
      AND (m.transaction_id = ?1 OR m.reported_transaction_id = ?1))sql";

bool present(store::Database& db, const DurableRecord& r)
{
    std::string_view sql = start_sql;
    if (r.kind == DurableKind::meter) {
        sql = meter_sql;
    } else if (r.kind == DurableKind::stop) {
        sql = stop_sql;
    }
    store::Statement& statement = db.cached(sql);
    store::ResetGuard reset(statement);
    statement.bind(1, r.transaction_id);
    statement.bind(2, std::string_view(r.charger_id));
    if (r.kind == DurableKind::meter) {
        auto time = base::parse_date_time(r.timestamp);
        if (!time) {
            return false;
        }
        statement.bind(3, r.meter_wh);
        statement.bind(4, store::to_ms_column(*time));
    } else {
        statement.bind(3, r.meter_wh);
    }
    return statement.step();
}

} // namespace

VerifyResult verify_durability(const std::string& log_path, const std::string& db_path, std::size_t keep_missing)
{
    std::ifstream in(log_path);
    if (!in) {
        throw std::runtime_error("--log " + log_path + ": " + std::strerror(errno));
    }
    store::Database db(db_path, true);
    VerifyResult result;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) {
            continue;
        }
        ++result.logged;
        auto record = parse_record(line);
        const bool ok = record && present(db, *record);
        if (ok) {
            ++result.found;
            continue;
        }
        result.malformed += record ? 0 : 1;
        ++result.missing_count;
        if (result.missing.size() < keep_missing) {
            result.missing.push_back(record ? line : line + "   (malformed line)");
        }
    }
    return result;
}

std::string format_verify_text(const VerifyResult& r)
{
    std::string out = "verified " + std::to_string(r.found) + " of " + std::to_string(r.logged) +
                      " acknowledged messages, " + std::to_string(r.missing_count) + " missing\n";
    for (const auto& line : r.missing) {
        out += "missing: " + line + "\n";
    }
    if (r.missing_count > r.missing.size()) {
        out += "missing: ... and " + std::to_string(r.missing_count - r.missing.size()) + " more\n";
    }
    return out;
}

std::string format_verify_json(const VerifyResult& r)
{
    return "{\"logged\":" + std::to_string(r.logged) + ",\"found\":" + std::to_string(r.found) +
           ",\"missing\":" + std::to_string(r.missing_count) + "}";
}

} // namespace csms::sim
