#pragma once
// What operators see of chargers: master data as booted, connector status,
// and the state the CSMS tracks from commands (reservations, charging
// profiles, local list, configuration). Read-only; runs on the admin API's
// reader connection.
#include "store/database.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace csms::store {

struct ConnectorView {
    int connector_id = 0;
    std::string status, error_code;
    std::optional<std::string> info, vendor_error_code, timestamp;
};

struct ChargerSummary {
    std::string charger_id, registration;
    std::optional<std::string> vendor, model, firmware_version, last_boot, last_heartbeat;
    std::optional<std::string> region;
    std::optional<double> rated_power_w, rated_current_a;
    std::vector<ConnectorView> connectors;
};

struct ReservationView {
    std::int64_t reservation_id = 0;
    int connector_id = 0;
    std::string id_tag, expiry, state; // state: active | used | cancelled | expired
    std::optional<std::int64_t> transaction_id;
};

struct ChargingProfileView {
    std::int64_t profile_id = 0;
    int connector_id = 0;
    std::int64_t stack_level = 0;
    std::string purpose, profile_json, set_at;
};

struct ConfigurationEntry {
    std::string key;
    std::optional<std::string> value;
    bool readonly = false;
    std::string reported_at;
};

struct LocalListView {
    std::optional<std::int64_t> sent_version, reported_version;
    std::optional<std::string> sent_at, reported_at;
};

// One WebSocket session opening or closing (connection_events).
struct ConnectionView {
    std::string event; // connected | disconnected
    std::string at;
    std::optional<std::string> remote_address;
};

struct ChargerDetail {
    ChargerSummary summary;
    std::optional<std::string> charge_point_serial, charge_box_serial, meter_serial, iccid;
    int security_profile = 0;
    std::vector<ReservationView> reservations;
    std::vector<ChargingProfileView> charging_profiles;
    std::optional<LocalListView> local_list;
    std::vector<ConfigurationEntry> configuration;
    std::vector<ConnectionView> connections;      // the latest, newest first
    std::optional<std::string> last_connected_at; // its latest session's opening
    // The latest time the CSMS heard from it: a boot, heartbeat, status or
    // its session opening or closing.
    std::optional<std::string> last_seen_at;
};

// How many of a charger's connection events find_charger returns.
inline constexpr int recent_connections = 10;

// Which chargers a list shows; every condition given must hold.
struct ChargerFilter {
    std::optional<std::string> after_id; // pagination: ids after this one
    int limit = 50;
    // Live sessions are not in the database: the caller says who is connected.
    std::optional<bool> connected;
    std::function<bool(const std::string& charger_id)> is_connected;
    std::optional<std::string> status; // some connector (0: the charger) is in this status
    std::optional<std::string> region; // this region path or under it (base::region_contains)
    std::optional<std::string> model;  // the model as booted, case ignored
    std::optional<std::string> text;   // in the id, vendor or model, case ignored
};

// Chargers ordered by id. Conditions the database cannot judge (region
// paths, connected) are checked row by row, so a page holds `limit` matches
// however few chargers match.
std::vector<ChargerSummary> list_chargers(Database& db, const ChargerFilter& filter);

// now_column: the current time as a TEXT column, to tell expired reservations.
std::optional<ChargerDetail> find_charger(Database& db, const std::string& charger_id, const std::string& now_column);

} // namespace csms::store
