#pragma once
// What every charger session shares: the writer, the clock, the policy, the
// registry, and the optional parts (certificate signing, the boot
// configuration, and the partner features behind their interfaces).
#include "base/clock.hpp"
#include "csms/authorize_delegate.hpp"
#include "csms/charger_registry.hpp"
#include "csms/partner_copy.hpp"
#include "csms/policy.hpp"
#include "store/writer.hpp"

#include <functional>
#include <string>

namespace csms {

class CertificateSigner;
class LastSeen;
class PrimaryRelay;

// Shared by every session; outlives them all.
struct Services {
    store::Writer& writer;
    const base::Clock& clock;
    Policy policy;
    ChargerRegistry& registry;
    LastSeen& last_seen;
    // Signs SignCertificate CSRs; nullptr: they wait for an external CA.
    const CertificateSigner* signer = nullptr;
    // Called on the charger's strand once a BootNotification was accepted,
    // while its answer is being sent; empty: nothing to do.
    std::function<void(const std::string& charger_id)> after_accepted_boot{};
    // Copies CALLs for integration partners (src/proxy); nullptr: none.
    PartnerCopy* partner_copy = nullptr;
    // Asks partners about their customers' id tags (src/proxy); nullptr: none.
    AuthorizeDelegate* authorize_delegate = nullptr;
    // Relays migrating chargers' CALLs to their primary backend (src/proxy);
    // nullptr: every charger's backend is csmsd.
    PrimaryRelay* primary_relay = nullptr;
};

} // namespace csms
