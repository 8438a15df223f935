#pragma once
// The integration partners' tables (migrations 0010, 0011): the durable
// outbox of charger CALLs copied for each partner, the per-partner
// transaction id map, each link's counts and last error, the audit of
// refused partner calls, and the Authorize decisions partners made.
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

// The charger's region path, for partners that choose chargers by region.
std::optional<std::string> charger_region(Database& db, const std::string& charger_id);

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

// An Authorize answered for a partner's customer: by the partner, or by its
// fallback (from_partner false, reason says why).
struct PartnerDecision {
    std::int64_t id = 0; // assigned
    std::string partner{};
    std::string charger_id{};
    std::string id_tag{};
    std::string status{};
    std::optional<base::SysTime> expiry{};
    std::optional<std::string> parent_id_tag{};
    bool from_partner = false;
    std::string reason{};
    base::SysTime decided_at{};
};
void record_partner_decision(Database& db, const PartnerDecision& decision);
// The newest decision for this tag (case ignored) on this charger made at
// or after not_before.
std::optional<PartnerDecision> latest_partner_decision(Database& db, const std::string& charger_id,
                                                       const std::string& id_tag, base::SysTime not_before);
// The partner's newest decisions first.
std::vector<PartnerDecision> recent_partner_decisions(Database& db, const std::string& partner, int limit);

} // namespace csms::store
