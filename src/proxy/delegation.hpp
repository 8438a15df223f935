#pragma once
// The partners' side of csms::AuthorizeDelegate: which partner answers for
// an id tag (its authorize_tags, on a charger it covers), the question put
// to it (through the uplinks), and the recorded decision a StartTransaction
// on that charger reuses shortly after.
#include "csms/authorize_delegate.hpp"
#include "proxy/partner.hpp"

#include <chrono>
#include <functional>

namespace csms::proxy {

class Delegation final : public AuthorizeDelegate {
public:
    // How long after a partner's decision a StartTransaction for the same
    // tag on the same charger still uses it (the driver plugs in, the
    // charger starts). Later, our id_tags table answers again.
    static constexpr std::chrono::minutes decision_window{10};

    // How a partner is asked (Uplinks::authorize in csmsd).
    using Asker = std::function<void(const std::string& partner, const std::string& charger_id,
                                     const std::string& id_tag, std::function<void(Decision)> done)>;

    // partners must outlive the delegation.
    Delegation(const Partners& partners, Asker asker);

    bool may_answer(std::string_view id_tag) const override;
    std::string partner_for(store::Database& db, const std::string& charger_id, const std::string& id_tag) override;
    void ask(const std::string& partner, const std::string& charger_id, const std::string& id_tag,
             std::function<void(Decision)> done) override;
    std::optional<IdTagInfo> earlier_decision(store::Database& db, const std::string& charger_id,
                                              const std::string& id_tag, base::SysTime now) override;

private:
    const Partners& partners_;
    Asker asker_;
};

} // namespace csms::proxy
