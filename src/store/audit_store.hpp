#pragma once
// The append-only audit log: every admin API call and every read of
// personal data. The table's triggers refuse UPDATE and DELETE; this file
// only appends and reads.
#include "base/clock.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace csms::store {

struct AuditRecord {
    std::int64_t audit_id = 0; // set by list_audit; ignored by append_audit
    std::string at;            // set by list_audit; append_audit takes the time separately
    std::optional<std::int64_t> operator_id;
    std::optional<std::string> operator_name;
    std::optional<std::string> role;
    std::string remote;
    std::string method;
    std::string path;
    std::string action;
    std::optional<std::string> object;
    int status = 0;
    std::string outcome;
    bool personal_data = false;
};

void append_audit(Database& db, const AuditRecord& record, base::SysTime at);

struct AuditFilter {
    std::optional<std::string> operator_name;
    std::optional<std::string> action; // exact, or a prefix ending in '.' ("commands.")
    std::optional<std::string> object;
    std::optional<std::string> since;      // an ISO time; rows at or after it
    std::optional<std::int64_t> before_id; // pagination: rows older than this id
    bool denied_only = false;              // 401 and 403 answers only
    int limit = 50;
};

// Newest first.
std::vector<AuditRecord> list_audit(Database& db, const AuditFilter& filter);

} // namespace csms::store
