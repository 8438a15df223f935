#pragma once
// Commands operators sent to chargers (the command history) and the state
// the CSMS tracks from their answers: reservations, charging profiles, the
// local list version and the charger's configuration. Typed rows only; what
// a charger's JSON means is decided in csms/command_effects.
//
// Writes run on the writer thread; reads on a reader connection.
#include "base/clock.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csms::store {

// How a command ended; the values of commands.outcome.
enum class CommandOutcome { result, call_error, timeout, not_connected, invalid_response, busy };

std::string_view to_string(CommandOutcome outcome);
// nullopt for text that is none of the above.
std::optional<CommandOutcome> command_outcome_from(std::string_view text);

struct CommandRecord {
    std::int64_t command_id = 0; // set by the reads; ignored by record_command
    std::string charger_id;
    std::string action;
    std::string request; // the payload sent (JSON text)
    std::optional<std::string> operator_name;
    base::SysTime requested_at{};
    CommandOutcome outcome = CommandOutcome::result;
    std::optional<std::string> response; // the CALLRESULT payload or the error's details (JSON text)
    std::optional<std::string> status;   // the answer's "status" field
    base::SysTime finished_at{};
};

// Returns the new command_id.
std::int64_t record_command(Database& db, const CommandRecord& record);

struct CommandFilter {
    std::optional<std::string> charger_id;
    std::optional<std::string> action;
    std::optional<std::int64_t> before_id; // pagination: commands older than this id
    int limit = 50;
};

// Newest first.
std::vector<CommandRecord> list_commands(Database& db, const CommandFilter& filter);
std::optional<CommandRecord> find_command(Database& db, std::int64_t command_id);

// --- reservations -----------------------------------------------------------

enum class ReservationState { active, used, cancelled };

struct Reservation {
    std::string charger_id;
    std::int64_t reservation_id = 0;
    int connector_id = 0;
    std::string id_tag;
    std::optional<std::string> parent_id_tag;
    base::SysTime expiry{};
};

// A reservation the charger accepted; a ReserveNow with the same id replaces
// the earlier one (OCPP 1.6, 5.13) and makes it active again.
void upsert_reservation(Database& db, const Reservation& reservation, base::SysTime at);
// False when there is no such reservation.
bool set_reservation_state(Database& db, const std::string& charger_id, std::int64_t reservation_id,
                           ReservationState state, base::SysTime at);
// An active reservation becomes used by the transaction; false when there
// is no active one (unknown, cancelled or used already).
bool mark_reservation_used(Database& db, const std::string& charger_id, std::int64_t reservation_id,
                           std::int64_t transaction_id, base::SysTime at);

// --- charging profiles --------------------------------------------------------

struct ChargingProfile {
    std::string charger_id;
    int connector_id = 0;
    std::int64_t profile_id = 0;
    std::int64_t stack_level = 0;
    std::string purpose;
    std::string profile_json; // the csChargingProfiles object
};

// Stores the profile under its id. As on the charger, it also replaces any
// other profile with the same connector, purpose and stack level.
void upsert_charging_profile(Database& db, const ChargingProfile& profile, base::SysTime at);

// Deletes the charger's profiles matching every criterion given (none given:
// all of them). Returns how many were deleted.
int clear_charging_profiles(Database& db, const std::string& charger_id, std::optional<std::int64_t> profile_id,
                            std::optional<int> connector_id, const std::optional<std::string>& purpose,
                            std::optional<std::int64_t> stack_level);

// --- local list and configuration ------------------------------------------------

void set_local_list_sent(Database& db, const std::string& charger_id, std::int64_t version, base::SysTime at);
void set_local_list_reported(Database& db, const std::string& charger_id, std::int64_t version, base::SysTime at);

void upsert_configuration_key(Database& db, const std::string& charger_id, const std::string& key,
                              const std::optional<std::string>& value, bool readonly, base::SysTime at);

} // namespace csms::store
