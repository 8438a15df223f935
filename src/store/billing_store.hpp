#pragma once
// The billing engine's repository: the sessions waiting in billing_queue
// with what decides their bill (the charger's region, the tag's group and
// payment method, the register samples, the connector's statuses), and the
// immutable records it issues. Like the other repositories, functions run on
// whichever thread owns the Database (the writer thread for writes), use its
// cached statements and open no transactions of their own.
#include "base/clock.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace csms::store {

struct QueuedSession {
    std::int64_t transaction_id = 0;
    std::string charger_id;
    int connector_id = 0;
    std::string id_tag;
    std::optional<std::string> tag_group;      // the tag's parentIdTag
    std::optional<std::string> payment_method; // the tag's, else its group's
    std::optional<std::string> region;         // the charger's region path
    std::int64_t meter_start_wh = 0;
    std::int64_t meter_stop_wh = 0;
    base::SysTime started{}, stopped{}; // the charger's timestamps
    base::SysTime stop_received{};
    std::optional<std::string> stop_reason;
};

// Billing is on from now if it never was: stops are queued from this commit
// on (migration 0012). Idempotent; the first moment stays.
void mark_billing_started(Database& db, base::SysTime now);

// Queued sessions with a transaction id above after_id, in id order, at most limit.
std::vector<QueuedSession> queued_sessions(Database& db, std::int64_t after_id, int limit);
// How many stopped sessions wait for their billing record.
std::int64_t queued_session_count(Database& db);

struct RegisterSample {
    base::SysTime at;
    double wh = 0;
};
// The connector's Energy.Active.Import.Register samples of the whole meter
// (no phase) from `from` to `to`, in time order, whether or not the charger
// named the transaction in its MeterValues; per-phase registers are not
// added up.
std::vector<RegisterSample> register_samples(Database& db, const std::string& charger_id, int connector_id,
                                             base::SysTime from, base::SysTime to);

struct StatusAt {
    base::SysTime at; // the charger's timestamp, or when it arrived without one
    std::string status;
};
// The connector's statuses from `from` on, in time order, at most limit.
std::vector<StatusAt> connector_statuses(Database& db, const std::string& charger_id, int connector_id,
                                         base::SysTime from, int limit);

// A later session started on the connector: the car of this one has left.
bool later_session_started(Database& db, const std::string& charger_id, int connector_id, std::int64_t transaction_id);

struct NewBillingLine {
    std::string item;
    std::optional<std::string> period;
    double quantity = 0;
    std::int64_t unit_price = 0; // 1/10000 of the currency
    std::int64_t amount = 0;     // minor units
};

struct NewBillingRecord {
    std::string kind = "session";  // session | adjustment
    std::string status = "billed"; // billed | flagged | adjustment
    std::int64_t transaction_id = 0;
    std::optional<std::int64_t> adjusts_record_id;
    std::string charger_id;
    int connector_id = 0;
    std::string id_tag;
    std::optional<std::string> tag_group;
    std::string payment_method;
    std::optional<std::string> region;
    std::optional<std::string> tariff;
    std::string currency;
    base::SysTime started{}, stopped{};
    std::optional<std::string> time_zone, started_local, stopped_local; // the tariffs' zone and its wall clock
    std::int64_t meter_start_wh = 0, meter_stop_wh = 0, energy_wh = 0;
    std::optional<std::int64_t> sampled_energy_wh;
    std::int64_t total = 0;
    std::string anomalies; // comma-separated
    std::optional<std::string> reason, issued_by;
    base::SysTime issued_at{};
    std::vector<NewBillingLine> lines;
};

// Inserts the record and its lines; returns its id.
std::int64_t insert_billing_record(Database& db, const NewBillingRecord& record);

// The session's record id, if it has been billed.
std::optional<std::int64_t> session_record_id(Database& db, std::int64_t transaction_id);

void dequeue_session(Database& db, std::int64_t transaction_id);

} // namespace csms::store
