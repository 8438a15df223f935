#pragma once
// Charger-side repository: registration, boot, heartbeat, connector status,
// data transfers and firmware/diagnostics status. Functions run on whichever
// thread owns the Database (the writer thread for writes) and use its cached
// statements; they do not open transactions of their own.
#include "store/database.hpp"
#include "store/records.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace csms::store {

// Inserts an unknown charger with status_if_new, always stores the boot
// fields and last_boot; returns the charger's stored registration.
Registration record_boot(Database& db, const BootRecord& boot, Registration status_if_new);

std::optional<Registration> find_registration(Database& db, std::string_view charger_id);

// Inserts the charger row if missing (operator pre-registration).
void set_registration(Database& db, std::string_view charger_id, Registration registration);

// What an operator records about a charger for rules and reports. An outer
// nullopt leaves the field as it is; an inner nullopt erases it.
struct ChargerFactsChange {
    std::optional<std::optional<std::string>> region;
    std::optional<std::optional<double>> rated_power_w, rated_current_a;
};

// False when the charger has no row.
bool update_charger_facts(Database& db, std::string_view charger_id, const ChargerFactsChange& change);

struct ChargerFactsView {
    std::string registration;
    std::optional<std::string> region;
    std::optional<double> rated_power_w, rated_current_a;
};

std::optional<ChargerFactsView> find_charger_facts(Database& db, std::string_view charger_id);

// A heartbeat from a charger without a row changes nothing, nor does one
// older than the stored last_heartbeat.
void record_heartbeat(Database& db, std::string_view charger_id, base::SysTime at);

// Appends to status_history and updates connector_status, unless the current
// row carries a later charger timestamp (a late, out-of-order notification).
void record_status(Database& db, const StatusRecord& status);

void record_data_transfer(Database& db, std::string_view charger_id, std::string_view vendor_id,
                          const std::optional<std::string>& message_id, const std::optional<std::string>& data,
                          base::SysTime received_at);

// Both append to their history and set the current status on chargers.
void record_firmware_status(Database& db, std::string_view charger_id, std::string_view status,
                            base::SysTime received_at);
void record_diagnostics_status(Database& db, std::string_view charger_id, std::string_view status,
                               base::SysTime received_at);

} // namespace csms::store
