#pragma once
// The seam for id tags that an integration partner answers for (src/proxy
// implements it): an Authorize for one of a partner's customers, from a
// charger it covers, is asked of the partner instead of our id_tags table,
// and the StartTransaction that follows on that charger uses the same
// decision (our table does not know the partner's customers); one without
// an Authorize just before is asked of the partner first. Absent
// (nullptr in Services) when no partner delegates: then Authorize and
// StartTransaction read our table only.
#include "csms/authorization.hpp"
#include "store/database.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace csms {

class AuthorizeDelegate {
public:
    struct Decision {
        IdTagInfo info;
        bool from_partner = false; // false: the partner's fallback
    };

    virtual ~AuthorizeDelegate() = default;
    // Any thread, no database: whether the tag has a partner's prefix at
    // all (partner_for may still say "" for a charger the partner lacks).
    virtual bool may_answer(std::string_view id_tag) const = 0;
    // Writer thread, inside the Authorize's job: the partner that answers
    // for this tag from this charger, or "" (csmsd answers). Cheap when the
    // tag matches no partner's prefixes.
    virtual std::string partner_for(store::Database& db, const std::string& charger_id, const std::string& id_tag) = 0;
    // Any thread; returns at once. done runs exactly once, on another
    // thread, with the partner's answer or its fallback (no answer within
    // its timeout, link down, CALLERROR), once the decision is recorded.
    virtual void ask(const std::string& partner, const std::string& charger_id, const std::string& id_tag,
                     std::function<void(Decision)> done) = 0;
    // Writer thread, inside a StartTransaction's job: the decision recorded
    // for this tag on this charger shortly before, if any.
    virtual std::optional<IdTagInfo> earlier_decision(store::Database& db, const std::string& charger_id,
                                                      const std::string& id_tag, base::SysTime now) = 0;
};

} // namespace csms
