#pragma once
// The source rows one connector's quarter is computed from (the statistics'
// quarter reader, docs/statistics.md): its sessions, their register
// samples, its statuses and its peaks. Read-only. Times that are TEXT
// columns come and go as their text, as the quarter reader compares them.
#include "base/clock.hpp"
#include "base/register_curve.hpp"
#include "store/database.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csms::store {

// Which connector and which quarter, as TEXT time columns.
struct QuarterKey {
    std::string_view charger_id;
    int connector_id = 0;
    std::string_view start, end;
};

struct QuarterSession {
    std::string start, stop; // stop: the next session's start, or far in the future, while it runs
    double meter_start_wh = 0;
    std::optional<double> meter_stop_wh;
};
// The connector's sessions started before the quarter's end and at or
// after started_since that had not stopped before its start.
std::vector<QuarterSession> quarter_sessions(Database& db, const QuarterKey& k, std::string_view started_since);

// A session's total energy register samples strictly inside (session_start,
// session_stop) that interpolation needs for [quarter_start, quarter_end):
// the last at or before quarter_start, those inside, the first at or after
// quarter_end; in time order. The same samples as a bill reads
// (store::register_samples).
std::vector<base::RegisterReading> session_register_samples(Database& db, const QuarterKey& k,
                                                            base::SysTime session_start, base::SysTime session_stop,
                                                            base::SysTime quarter_start, base::SysTime quarter_end);

// The largest MeterValues value of measurand in [from, to); total_only: of
// samples without a phase.
std::optional<double> max_sample_value(Database& db, const QuarterKey& k, std::string_view measurand, bool total_only,
                                       base::SysTime from, base::SysTime to);

// The connector's status as the quarter began, if it had one.
std::optional<std::string> status_at_start(Database& db, const QuarterKey& k);
struct QuarterStatusChange {
    std::string at; // the charger's timestamp, else received_at
    std::string status;
};
// Its status changes inside the quarter, in time order.
std::vector<QuarterStatusChange> status_changes(Database& db, const QuarterKey& k);

int sessions_started_in(Database& db, const QuarterKey& k);
int sessions_stopped_in(Database& db, const QuarterKey& k);

} // namespace csms::store
