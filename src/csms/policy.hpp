#pragma once
// What the operator decides about strangers and timing, from config and flags.
#include "store/records.hpp"

#include <chrono>

namespace csms {

struct Policy {
    // Registration given to a charger the database has never seen.
    store::Registration unknown_chargers = store::Registration::rejected;
    // Whether an id tag missing from the database is Accepted (else Invalid).
    bool accept_unknown_id_tags = false;
    // Heartbeat interval handed out in an Accepted BootNotification.
    std::chrono::seconds heartbeat_interval{300};
    // Retry interval handed out with Pending or Rejected.
    std::chrono::seconds boot_retry_interval{60};

    // --dev: accept unknown chargers and unknown id tags.
    static Policy development()
    {
        Policy p;
        p.unknown_chargers = store::Registration::accepted;
        p.accept_unknown_id_tags = true;
        return p;
    }
};

} // namespace csms
