#pragma once
// What the CSMS remembers from a command's answer: an accepted ReserveNow is
// an active reservation, an accepted SetChargingProfile a stored profile, a
// GetConfiguration result the charger's configuration, and so on. Commands
// without a tracked effect, and answers that refuse, change nothing.
//
// Runs inside a writer job (the same one that records the command), so the
// history row and its effects commit together.
#include "base/clock.hpp"
#include "store/command_store.hpp"
#include "store/database.hpp"

#include <rapidjson/document.h>

#include <string>

namespace csms {

// request: the payload sent (it passed its schema); response: the charger's
// CALLRESULT payload (it passed its schema), or null when there was none.
void apply_command_effects(store::Database& db, const std::string& charger_id, const std::string& action,
                           const rapidjson::Value& request, const rapidjson::Value* response, base::SysTime at);

// A finished command as the store keeps it, whoever sent it (an operator or
// an integration partner): its history row and, when the charger answered
// with a CALLRESULT, its effects, in a savepoint of their own so that an
// effect that cannot be tracked does not take the history row with it.
// record.request is the redacted request; response the redacted answer.
// Returns the command id.
std::int64_t record_command_and_effects(store::Database& db, const store::CommandRecord& record,
                                        const rapidjson::Value* response);

} // namespace csms
