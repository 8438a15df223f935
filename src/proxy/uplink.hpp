#pragma once
// The partners' uplinks: one OCPP-J client connection (subprotocol ocpp1.6,
// ws or wss) per partner and charger, presenting csmsd's own credentials for
// that partner, never the charger's. Each link sends its outbox in order, one
// CALL at a time, and deletes a row once the partner has answered; the
// partner's transaction ids are kept and put in what follows. Calls from the
// partner reach the charger through CommandService when its policy and rate
// allow, and are refused with a CALLERROR (and audited) otherwise. An
// Authorize for a partner's customer goes to the partner on the charger's
// link, ahead of its outbox, and its answer (or the partner's fallback) is
// recorded before it is handed back. A migrating charger's CALLs go to its
// primary backend the same way, and its answer is handed back.
// Everything runs on the uplinks' own thread and io_context: a partner that
// is down or slow never delays a charger or csmsd's own handling. Beast and
// Asio stay in uplink.cpp.
#include "base/clock.hpp"
#include "base/metrics.hpp"
#include "csms/authorize_delegate.hpp"
#include "csms/command_service.hpp"
#include "proxy/id_map.hpp"
#include "proxy/partner.hpp"
#include "store/writer.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace csms::proxy {

struct LinkState {
    std::string partner;
    std::string charger_id;
    std::string state; // connecting | connected | waiting (back-off before the next attempt)
    std::string last_error;
};

// A charger's CALL relayed to its primary backend, settled.
struct RelayResult {
    std::optional<PartnerFrame> answer; // its CALLRESULT or CALLERROR
    std::string failure;                // why there is no answer
    // The charger's payload with the primary's transaction id replaced by
    // ours (or by unknown_transaction_id), as csmsd handles it.
    std::string payload;
};

class Uplinks {
public:
    struct Options {
        std::chrono::milliseconds first_retry{500}; // back-off doubles from here, with jitter
        std::chrono::milliseconds max_retry{60'000};
        std::size_t max_frame_bytes = 64 * 1024;
        // Sent in net::origin_header on every link, so that csmsd's own
        // listener refuses a link that points back at it ("" = not sent).
        std::string origin;
    };

    // partners and metrics must outlive the uplinks. Throws
    // std::runtime_error when a partner's TLS files cannot be loaded.
    // Each started link has csms_partner_link_up{partner,charger} in metrics.
    Uplinks(const Partners& partners, std::string db_path, store::Writer& writer, CommandService& commands,
            const base::Clock& clock, base::Metrics& metrics, Options options);
    ~Uplinks(); // stop()
    Uplinks(const Uplinks&) = delete;
    Uplinks& operator=(const Uplinks&) = delete;

    // Starts the thread and the links that have work or are listed by id.
    void start();
    // Idempotent; closes every link and joins the thread.
    void stop();

    // For the outbox: any thread, cheap; a copy for this charger committed.
    // Safe to call after stop() and after this object is gone.
    std::function<void(const std::string& charger_id)> waker() const;

    // Any thread: asks the partner about id_tag on charger_id's link, ahead
    // of the link's outbox (one CALL in flight at a time, as OCPP-J wants).
    // done runs once, on the writer thread once the decision is recorded:
    // the partner's idTagInfo, or its authorize_fallback when it does not
    // answer within authorize_timeout, the link is down, or it answers with
    // a CALLERROR or an invalid idTagInfo.
    void authorize(const std::string& partner, const std::string& charger_id, const std::string& id_tag,
                   std::function<void(AuthorizeDelegate::Decision)> done);

    // Any thread, migration mode: sends a charger's CALL to its primary
    // backend on its link, ahead of the outbox. done runs once, on the
    // uplinks' thread, with the primary's answer, or why there is none (no
    // answer within its call_timeout, link down, csmsd stopping).
    void relay(const std::string& primary, const std::string& charger_id, const std::string& action,
               std::string payload, std::function<void(RelayResult)> done);

    // The TLS contexts (CA, client certificate) of every wss partner of a
    // set. Throws std::runtime_error naming the partner whose files cannot
    // be loaded: call it before publishing a reloaded set.
    struct Tls;
    static std::shared_ptr<const Tls> load_tls(const PartnerSet& partners);
    // Any thread, once a reloaded set is published (with its load_tls):
    // links of partners that went or changed in any way are closed, links
    // of new or changed partners start, and the others go on untouched.
    void reload(std::shared_ptr<const Tls> tls);

    // Any thread: every link started since csmsd started.
    std::vector<LinkState> states() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

} // namespace csms::proxy
