#include "csms/authorization.hpp"

#include "base/time_format.hpp"
#include "store/transaction_store.hpp"

namespace csms {

IdTagInfo authorize_id_tag(store::Database& db, const std::string& id_tag, const Policy& policy, base::SysTime now)
{
    auto row = store::find_id_tag(db, id_tag);
    if (!row) {
        return {policy.accept_unknown_id_tags ? "Accepted" : "Invalid", std::nullopt, std::nullopt};
    }
    IdTagInfo info{row->status, row->expiry, row->parent_id_tag};
    if (info.status == "Accepted" && info.expiry && *info.expiry <= now) {
        info.status = "Expired";
    }
    return info;
}

json::Reply to_json(const IdTagInfo& info)
{
    json::Reply reply;
    reply.set("status", info.status);
    if (info.expiry) {
        reply.set("expiryDate", base::format_date_time(*info.expiry));
    }
    if (info.parent_id_tag) {
        reply.set("parentIdTag", *info.parent_id_tag);
    }
    return reply;
}

} // namespace csms
