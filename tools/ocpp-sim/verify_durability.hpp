#pragma once
// `ocpp-sim verify-durability --log FILE --db PATH`: after a run in which the
// server was killed, checks that every message the server acknowledged (the
// --durability-log lines) is in its SQLite database. Read-only.
#include <cstdint>
#include <string>
#include <vector>

namespace csms::sim {

struct VerifyResult {
    std::uint64_t logged = 0;
    std::uint64_t found = 0;
    std::vector<std::string> missing; // the first few missing lines, as logged
    std::uint64_t missing_count = 0;
    std::uint64_t malformed = 0; // unreadable log lines, counted as missing
};

// Throws std::runtime_error (unreadable log) or store::SqliteError (database).
VerifyResult verify_durability(const std::string& log_path, const std::string& db_path, std::size_t keep_missing = 10);

// "verified N of M acknowledged messages, K missing" plus the missing lines.
std::string format_verify_text(const VerifyResult& result);
// {"logged":M,"found":N,"missing":K}, no newline.
std::string format_verify_json(const VerifyResult& result);

} // namespace csms::sim
