#pragma once
// Authorization and charging-session repository: id tags, transactions,
// stops and meter samples. Like charger_store, these run on the thread that
// owns the Database and open no transactions of their own; on the writer
// thread each job's savepoint makes a multi-statement call atomic.
#include "store/database.hpp"
#include "store/records.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace csms::store {

std::optional<IdTagRow> find_id_tag(Database& db, std::string_view id_tag);
void upsert_id_tag(Database& db, const IdTagRow& row);

// An identical earlier request (same charger, connector, id tag, timestamp,
// meterStart): a retry, to be answered with the same transaction id.
std::optional<ExistingStart> find_identical_start(Database& db, const StartRecord& start);

// The id of an open transaction (not stopped) for this id tag on any charger;
// the newest when there are several.
// A transaction left open on except_charger/except_connector does not count:
// a new start there means the charger lost that stop, not that the card is
// in use twice.
std::optional<std::int64_t> find_open_transaction_for_tag(Database& db, std::string_view id_tag,
                                                          std::string_view except_charger = {},
                                                          int except_connector = 0);

// Returns the new transaction id. A UNIQUE index backs find_identical_start:
// inserting an identical start throws SqliteError (SQLITE_CONSTRAINT_UNIQUE).
std::int64_t insert_transaction(Database& db, const StartRecord& start);
// The id tag status the charger was finally given for this start (a retry
// answered by another backend, in migration mode).
void set_start_auth_status(Database& db, std::int64_t transaction_id, std::string_view status);

// The connector a transaction of this charger runs on; nullopt when unknown.
std::optional<int> find_transaction_connector(Database& db, std::string_view charger_id, std::int64_t transaction_id);

// closed: the first stop. already_closed: the transaction was stopped before;
// nothing changes (a stop that contradicts the recorded one, by meter or
// timestamp, is also kept in unmatched_stops). unknown_transaction: the id is
// not found or belongs to another charger; the stop goes to unmatched_stops.
StopOutcome stop_transaction(Database& db, const StopRecord& stop);

} // namespace csms::store
