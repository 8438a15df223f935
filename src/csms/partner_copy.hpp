#pragma once
// The seam between a charger's messages and the integration partners
// (src/proxy implements it): a CALL that a partner should see is copied into
// its durable outbox inside the message's own writer job, so the charger's
// CALLRESULT means the copy is durable too. Absent (nullptr in Services)
// when no partners are configured: then nothing is serialised or written.
#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace csms {

class PartnerCopy {
public:
    // A CALL as the partners get it, taken on the session strand: its
    // payload as text, and its top-level transactionId (ours) when it has one,
    // so the writer thread never parses it again.
    struct Call {
        std::string payload;
        std::optional<std::int64_t> transaction_id;
    };

    virtual ~PartnerCopy() = default;
    // Session strand, every CALL: whether any partner may take this action
    // from this charger (no database read, so a partner that chooses by
    // region may still not take it); the payload is serialised only when true.
    virtual bool wants(std::string_view charger_id, std::string_view action) const = 0;
    // Writer thread, inside the message's transaction, after its own rows:
    // one INSERT per partner whose policy takes this charger and action.
    // False when no partner took it.
    virtual bool copy(store::Database& db, const std::string& charger_id, const std::string& action,
                      const Call& call) = 0;
    // Writer thread, once a transaction with a copy has committed: the
    // uplinks may send it now.
    virtual void committed(const std::string& charger_id) = 0;
};

// The CALL's copy for integration partners, written in the CALL's own
// transaction, so the charger's answer means the copy is durable too.
struct PartnerCopyJob {
    PartnerCopy* partners = nullptr;
    std::optional<PartnerCopy::Call> call; // none: no partner wants it
    bool copied = false;

    void write(store::Database& db, const std::string& charger_id, const std::string& action)
    {
        if (call) {
            copied = partners->copy(db, charger_id, action, *call);
        }
    }
    // Once committed: the uplinks may send it now.
    void committed(const std::string& charger_id)
    {
        if (copied) {
            partners->committed(charger_id);
        }
    }
};

} // namespace csms
