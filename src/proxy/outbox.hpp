#pragma once
// The partners' side of csms::PartnerCopy: on the writer thread, inside the
// charger message's own transaction, one proxy_outbox row per partner whose
// policy takes this charger and action. It remembers which transaction of
// ours a row starts or refers to, so the uplink can put the partner's own
// id in what it sends. Nothing else happens on the message path.
#include "base/clock.hpp"
#include "csms/partner_copy.hpp"
#include "proxy/partner.hpp"

#include <functional>

namespace csms::proxy {

class Outbox final : public PartnerCopy {
public:
    // wake(charger_id) runs on the writer thread after a copy committed; it
    // must be cheap (post to the uplinks' thread).
    // partners must outlive the outbox.
    Outbox(const Partners& partners, const base::Clock& clock, std::function<void(const std::string& charger_id)> wake);

    bool wants(std::string_view charger_id, std::string_view action) const override;
    bool copy(store::Database& db, const std::string& charger_id, const std::string& action, const Call& call) override;
    void committed(const std::string& charger_id) override;

private:
    const Partners& partners_;
    const base::Clock& clock_;
    std::function<void(const std::string&)> wake_;
};

} // namespace csms::proxy
