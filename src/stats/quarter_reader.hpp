#pragma once
// Computes one connector's quarter from the source rows (meter_values,
// status_history, transactions) on a read-only connection. The result
// depends only on those rows and the clock, so recomputing is idempotent and
// late rows correct an old quarter when it is computed again.
#include "base/clock.hpp"
#include "base/time_zone.hpp"
#include "stats/quarter.hpp"
#include "store/database.hpp"
#include "store/stats_store.hpp"

#include <string>

namespace csms::stats {

// now: time after it is not counted (the quarter still running).
store::QuarterStats read_quarter(store::Database& db, const base::TimeZone& zone, const std::string& charger_id,
                                 int connector_id, const Quarter& quarter, base::SysTime now);

} // namespace csms::stats
