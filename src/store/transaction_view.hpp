#pragma once
// Sessions as operators and customer service see them: one row per
// transaction with its energy, and its meter values. Read-only.
#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace csms::store {

struct TransactionView {
    std::int64_t transaction_id = 0;
    std::string charger_id;
    int connector_id = 0;
    std::string id_tag;
    std::string start_timestamp;
    std::int64_t meter_start_wh = 0;
    std::optional<std::string> stop_timestamp, stop_reason;
    std::optional<std::int64_t> meter_stop_wh;
    std::optional<std::int64_t> reservation_id;
};

struct TransactionFilter {
    std::optional<std::string> charger_id;
    std::optional<std::string> id_tag;
    bool open_only = false;
    // Started in [from_time, to_time), as TEXT columns (to_column).
    std::optional<std::string> from_time, to_time;
    std::optional<std::int64_t> before_id; // pagination: older than this transaction
    int limit = 50;
};

// Newest first.
std::vector<TransactionView> list_transactions(Database& db, const TransactionFilter& filter);
std::optional<TransactionView> find_transaction(Database& db, std::int64_t transaction_id);

struct MeterValueView {
    std::string timestamp, measurand, phase, value, unit, context;
    std::optional<double> normalized_value;
};

// In time order; at most `limit` rows.
std::vector<MeterValueView> transaction_meter_values(Database& db, std::int64_t transaction_id, int limit);

} // namespace csms::store
