#pragma once
// Security profiles, AuthorizationKeys and security events (OCPP 1.6 Security
// Whitepaper). Like the other repositories, functions run on whichever thread
// owns the Database (the writer thread for writes, the authorizer's read-only
// connection for find_credentials), use its cached statements and open no
// transactions of their own.
#include "base/clock.hpp"
#include "store/database.hpp"

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace csms::store {

struct Credentials {
    int security_profile = 0; // 0..3
    // base::hash_secret() output; nullopt when no AuthorizationKey was set.
    std::optional<std::string> authorization_key_hash;
};

// Thrown when credentials are set for a charger the operator never registered.
class UnknownChargerError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// nullopt: the charger has no credentials row (it is treated as profile 0).
std::optional<Credentials> find_credentials(Database& db, std::string_view charger_id);

// Sets the profile, keeping any stored key. Throws std::invalid_argument for
// a profile outside 0..3 and UnknownChargerError if the chargers row is
// missing (chargers are registered first, then secured).
void set_security_profile(Database& db, std::string_view charger_id, int profile, base::SysTime at);

// Stores hash_secret(key), never the key; costs one slow hash, so call it off
// the message path. A charger without a credentials row gets one at profile 0
// (setting a key never changes the profile). Throws std::invalid_argument for
// an empty key and UnknownChargerError as above.
void set_authorization_key(Database& db, std::string_view charger_id, std::string_view key, base::SysTime at);

// The same with the hash already made (base::hash_secret), so the slow hash
// runs on the caller's thread rather than inside the writer's batch.
void set_authorization_key_hash(Database& db, std::string_view charger_id, std::string_view key_hash, base::SysTime at);

struct SecurityEventRecord {
    std::string charger_id;
    std::string type; // e.g. "FailedToAuthenticateAtCentralSystem"
    std::optional<std::string> tech_info;
    std::optional<base::SysTime> timestamp; // the charger's; nullopt for the CSMS's own events
    bool critical = false;
    std::string source; // "charger" | "csms"
    std::optional<std::string> remote_address;
    base::SysTime received_at;
};

void record_security_event(Database& db, const SecurityEventRecord& event);

// The Security Whitepaper's critical event types (its appendix, "Security
// events"); the others are informational.
bool is_critical_security_event(std::string_view type);

} // namespace csms::store
