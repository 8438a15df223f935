#pragma once
// OCPP 1.6 request payloads for the `csmsctl charger` verbs, one plain
// function per action: the verb's arguments in, the payload the charger
// will get out. No I/O, so tests can check each against the schema.
// Optional arguments left empty are left out of the payload.
#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <vector>

namespace csms::ctl::payloads {

using Opt = std::optional<int>;
using OptText = std::optional<std::string>;

rapidjson::Document remote_start(const std::string& id_tag, Opt connector);
rapidjson::Document remote_stop(int transaction_id);
rapidjson::Document reset(bool hard);
rapidjson::Document unlock(int connector);
rapidjson::Document change_availability(int connector, const std::string& type);
rapidjson::Document change_configuration(const std::string& key, const std::string& value);
rapidjson::Document get_configuration(const std::vector<std::string>& keys);
rapidjson::Document empty();                                            // ClearCache, GetLocalListVersion
rapidjson::Document trigger(const std::string& message, Opt connector); // also ExtendedTriggerMessage
rapidjson::Document get_diagnostics(const std::string& location, const OptText& start, const OptText& stop, Opt retries,
                                    Opt retry_interval);
rapidjson::Document update_firmware(const std::string& location, const std::string& retrieve_date);

// --tag TAG[:STATUS]; STATUS defaults to Accepted in a full list. In a
// differential list a bare TAG (no status) removes the tag.
struct LocalListEntry {
    std::string id_tag;
    OptText status;
};
LocalListEntry parse_local_list_entry(const std::string& text);
rapidjson::Document send_local_list(int version, bool differential, const std::vector<LocalListEntry>& entries);

rapidjson::Document reserve_now(int connector, const std::string& id_tag, const std::string& expiry, int reservation_id,
                                const OptText& parent);
rapidjson::Document cancel_reservation(int reservation_id);
// `profile_json` is the csChargingProfiles object; throws UsageError when it
// is not a JSON object.
rapidjson::Document set_charging_profile(int connector, const std::string& profile_json);
rapidjson::Document clear_charging_profile(Opt id, Opt connector, const OptText& purpose, Opt stack_level);
rapidjson::Document composite_schedule(int connector, int duration, const OptText& unit);
rapidjson::Document data_transfer(const std::string& vendor, const OptText& message_id, const OptText& data);

// Security extension (OCPP 1.6 Security Whitepaper).
rapidjson::Document get_log(const std::string& type, const std::string& location, int request_id);
rapidjson::Document install_certificate(const std::string& type, const std::string& pem);
rapidjson::Document delete_certificate(const std::string& hash_algorithm, const std::string& issuer_name_hash,
                                       const std::string& issuer_key_hash, const std::string& serial);
rapidjson::Document installed_certificates(const std::string& type);
rapidjson::Document certificate_signed(const std::string& pem_chain);
rapidjson::Document signed_update_firmware(int request_id, const std::string& location,
                                           const std::string& signing_certificate, const std::string& signature,
                                           const std::string& retrieve_date);

// "now" as an OCPP date-time (UTC, milliseconds).
std::string now();

// Parses a JSON object given on the command line; throws UsageError.
rapidjson::Document parse_object(const std::string& text, const std::string& what);

} // namespace csms::ctl::payloads
