#pragma once
// What the statistics engine follows (docs/statistics.md), on its own
// read-only connection: the rows committed after its cursors, and the
// neighbours that bound what a new row changes. The followers call `each`
// while their query is still open, so what `each` reads on the same
// connection sees the same snapshot as the row it was given.
#include "base/clock.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace csms::store {

// The newest stop_received_at, "" when no session has stopped.
std::string newest_stop_received_at(Database& db);

struct StatsSampleMessage {
    std::int64_t id = 0;
    std::string charger_id;
    int connector_id = 0;
    base::SysTime time{};
    int source = 0; // 0: MeterValues
    // What it holds for the statistics: 2 the total energy register, 1 only
    // power, temperature or a phase's register, 0 nothing they read.
    int holds = 0;
};
// The first `limit` sample_messages after after_id, in arrival order.
void for_each_sample_message_after(Database& db, std::int64_t after_id, int limit,
                                   const std::function<void(const StatsSampleMessage&)>& each);

// Around a new register reading at `at` on a connector: the register
// readings just before and after it, and the latest session started
// before it.
struct EnergyNeighbours {
    std::optional<base::SysTime> previous, next;
    std::optional<std::string> session_start, session_stop;
};
EnergyNeighbours energy_neighbours(Database& db, std::string_view charger_id, int connector_id, base::SysTime at);

struct StatsStatusRow {
    std::int64_t id = 0;
    std::string charger_id;
    int connector_id = 0;
    std::string at; // the charger's timestamp, else received_at
};
void for_each_status_after(Database& db, std::int64_t after_id, int limit,
                           const std::function<void(const StatsStatusRow&)>& each);
// When the connector's next status after `after` took effect, if any has.
std::optional<std::string> next_status_at(Database& db, std::string_view charger_id, int connector_id,
                                          std::string_view after);

struct StatsSessionRow {
    std::int64_t transaction_id = 0;
    std::string charger_id;
    int connector_id = 0;
    std::string start_timestamp;
    std::optional<std::string> stop_timestamp; // always set by for_each_stop_since
    std::string stop_received_at;              // for_each_stop_since only
};
// Sessions by transaction id after after_id, `limit` of them.
void for_each_session_after(Database& db, std::int64_t after_id, int limit,
                            const std::function<void(const StatsSessionRow&)>& each);
// Sessions whose stop was received at or after `since`.
void for_each_stop_since(Database& db, std::string_view since, const std::function<void(const StatsSessionRow&)>& each);

// Every connector that has reported a status.
void for_each_connector(Database& db, const std::function<void(const std::string& charger_id, int connector_id)>& each);

} // namespace csms::store
