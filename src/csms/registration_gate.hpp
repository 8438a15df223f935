#pragma once
// A CALL's check of its charger's registration, inside the CALL's own
// writer job (ChargerSession::commit_then_reply).
#include "store/charger_store.hpp"
#include "store/database.hpp"

#include <optional>
#include <string>

namespace csms {

// Until this connection knows the charger's registration, the first job
// reads it inside the same transaction, so no extra round trip is paid; the
// session remembers it only once that transaction has committed.
struct RegistrationGate {
    bool needed = false;
    // What a charger that talks before it ever booted becomes: the policy
    // for strangers, or accepted when its primary backend (migration) has
    // just answered it as one of its own.
    store::Registration for_strangers = store::Registration::rejected;
    std::optional<store::Registration> found;

    // Writer thread: whether the CALL may be handled.
    bool let_through(store::Database& db, const std::string& charger_id);
    bool refused() const { return found && *found != store::Registration::accepted; }
};

} // namespace csms
