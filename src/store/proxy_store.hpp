#pragma once
// The integration partners' tables (migration 0010): the durable outbox of
// charger CALLs copied for each partner, the per-partner transaction id map,
// each link's counts and last error, and the audit of refused partner calls.
// Writes run on the writer thread; reads on any connection.
#include "base/clock.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace csms::store {

struct OutboxRow {
    std::int64_t seq = 0;
    std::string partner{};
    std::string charger_id{};
    std::string action{};
    std::string payload{};                        // the charger's JSON payload, as received
    std::optional<std::int64_t> transaction_id{}; // ours
    base::SysTime enqueued_at{};
};

// seq is ignored (assigned); returns it.
std::int64_t enqueue_outbox(Database& db, const OutboxRow& row);
// The link's oldest row, or nullopt when its queue is empty.
std::optional<OutboxRow> next_outbox(Database& db, const std::string& partner, const std::string& charger_id);
void delete_outbox(Database& db, std::int64_t seq);
std::int64_t outbox_depth(Database& db, const std::string& partner, const std::string& charger_id);
// Deletes the link's oldest rows until at most `keep` remain; returns how
// many were dropped.
std::int64_t drop_oldest_outbox(Database& db, const std::string& partner, const std::string& charger_id,
                                std::int64_t keep);

struct OutboxLink {
    std::string partner;
    std::string charger_id;
};
// Every (partner, charger) with queued rows.
std::vector<OutboxLink> outbox_links(Database& db);

void map_partner_transaction(Database& db, const std::string& partner, std::int64_t transaction_id,
                             std::int64_t partner_transaction_id, const std::string& charger_id, base::SysTime at);
std::optional<std::int64_t> partner_transaction_id(Database& db, const std::string& partner,
                                                   std::int64_t transaction_id);
// Ours for the partner's id on this charger; nullopt when it never mapped it.
std::optional<std::int64_t> our_transaction_id(Database& db, const std::string& partner, const std::string& charger_id,
                                               std::int64_t partner_transaction_id);

// Counts on the link's row (created on first use).
void count_forwarded(Database& db, const std::string& partner, const std::string& charger_id);
void count_dropped(Database& db, const std::string& partner, const std::string& charger_id, std::int64_t dropped);
void record_link_error(Database& db, const std::string& partner, const std::string& charger_id,
                       const std::string& error, base::SysTime at);
// An audited refusal; counts it on the link too.
void record_refusal(Database& db, const std::string& partner, const std::string& charger_id, const std::string& action,
                    const std::string& reason, base::SysTime at);

struct LinkCounts {
    std::string partner;
    std::string charger_id;
    std::int64_t forwarded = 0;
    std::int64_t refused = 0;
    std::int64_t dropped = 0;
    std::int64_t queued = 0;
    std::optional<std::string> last_error;
    std::optional<base::SysTime> last_error_at;
};
// Every link that has counts or queued rows, by partner then charger.
std::vector<LinkCounts> link_counts(Database& db);

struct RefusalRow {
    std::int64_t id = 0;
    std::string partner, charger_id, action, reason;
    base::SysTime at{};
};
// The partner's newest refusals first.
std::vector<RefusalRow> recent_refusals(Database& db, const std::string& partner, int limit);

} // namespace csms::store
