#pragma once
// The partners' side of csms::PrimaryRelay (migration mode): which chargers
// still have a remote CSMS as their primary backend (partners with primary
// = true, chargers listed by id), and what the charger gets from it.
#include "base/published.hpp"
#include "csms/primary_relay.hpp"
#include "proxy/partner.hpp"
#include "proxy/uplink.hpp"
#include "store/database.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace csms::proxy {

// The charger's answer for a relayed CALL: the primary's CALLRESULT as is,
// its CALLERROR (a code OCPP 1.6 does not have becomes GenericError), or a
// GenericError naming the primary and why it did not answer.
ocpp::ReplacementAnswer answer_for_charger(const std::string& primary, const RelayResult& result);

// The id a charger knows our transaction by: the primary's, for a session
// a migrating charger started through its primary; ours otherwise (csmsd
// started it, or the primary never numbered it). For whatever sends our ids
// to a charger: an operator's or a mirror partner's RemoteStopTransaction.
std::int64_t charger_transaction_id(store::Database& db, const PartnerSet& partners, const std::string& charger_id,
                                    std::int64_t ours);

class Migration final : public PrimaryRelay {
public:
    // How a CALL reaches the primary (Uplinks::relay in csmsd).
    using Relayer =
        std::function<void(const std::string& primary, const std::string& charger_id, const std::string& action,
                           std::string payload, std::function<void(RelayResult)> done)>;

    Migration(const PartnerSet& partners, Relayer relayer);
    // Any thread: the chargers and primaries of a reloaded partners file.
    void reload(const PartnerSet& partners);

    // Every action of a listed charger but SignCertificate: certificates
    // stay with csmsd, whose CA the charger's TLS connection to it trusts
    // (no partner, primary or not, manages certificates).
    bool relays(std::string_view charger_id, std::string_view action) const override;
    void relay(const std::string& charger_id, const std::string& action, std::string payload,
               std::function<void(Outcome)> done) override;

private:
    using Index = std::map<std::string, std::string, std::less<>>; // charger -> its primary
    static std::shared_ptr<const Index> index_of(const PartnerSet& partners);

    base::Published<Index> primary_of_;
    Relayer relayer_;
};

} // namespace csms::proxy
