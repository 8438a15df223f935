#pragma once
// The idTagInfo a charger gets for an id tag: the stored status, Expired past
// its expiry date, or the policy's answer for a tag nobody registered.
#include "csms/json.hpp"
#include "csms/policy.hpp"
#include "store/database.hpp"

#include <optional>
#include <string>

namespace csms {

struct IdTagInfo {
    std::string status; // Accepted | Blocked | Expired | Invalid | ConcurrentTx
    std::optional<base::SysTime> expiry;
    std::optional<std::string> parent_id_tag;
};

// Runs on the writer thread (reads through the writer's connection so it
// sees every committed and in-batch change).
IdTagInfo authorize_id_tag(store::Database& db, const std::string& id_tag, const Policy& policy, base::SysTime now);

// {"status": ..., "expiryDate": ..., "parentIdTag": ...} for a reply.
json::Reply to_json(const IdTagInfo& info);

} // namespace csms
