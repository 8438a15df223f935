#include "proxy/delegation.hpp"

#include "proxy/relay_policy.hpp"
#include "store/proxy_store.hpp"

namespace csms::proxy {

Delegation::Delegation(const Partners& partners, Asker asker) : partners_(partners), asker_(std::move(asker)) {}

bool Delegation::may_answer(std::string_view id_tag) const
{
    return authorizer_of(partners_.current(), id_tag) != nullptr;
}

std::string Delegation::partner_for(store::Database& db, const std::string& charger_id, const std::string& id_tag)
{
    const Partner* partner = authorizer_of(partners_.current(), id_tag);
    if (partner == nullptr) {
        return "";
    }
    std::optional<std::string> region;
    if (needs_region(*partner)) {
        region = store::charger_region(db, charger_id);
    }
    return covers(*partner, charger_id, region) ? partner->name : "";
}

void Delegation::ask(const std::string& partner, const std::string& charger_id, const std::string& id_tag,
                     std::function<void(Decision)> done)
{
    asker_(partner, charger_id, id_tag, std::move(done));
}

std::optional<IdTagInfo> Delegation::earlier_decision(store::Database& db, const std::string& charger_id,
                                                      const std::string& id_tag, base::SysTime now)
{
    if (authorizer_of(partners_.current(), id_tag) == nullptr) {
        return std::nullopt; // no partner's customer: no query
    }
    auto decision = store::latest_partner_decision(db, charger_id, id_tag, now - decision_window);
    if (!decision) {
        return std::nullopt;
    }
    IdTagInfo info{decision->status, decision->expiry, decision->parent_id_tag};
    if (info.status == "Accepted" && info.expiry && *info.expiry <= now) {
        info.status = "Expired";
    }
    return info;
}

} // namespace csms::proxy
