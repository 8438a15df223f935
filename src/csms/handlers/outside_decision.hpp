#pragma once
// At a StartTransaction the id tag may be decided outside our id_tags
// table: by the charger's primary backend (migration mode: its answer is
// the one the charger gets, and its transactionId is mapped to ours), or by
// the integration partner whose customer it is (a delegated Authorize,
// recorded shortly before). The StartTransaction handler asks this object
// and never needs to know which of the two it was, or whether either is
// configured.
#include "csms/authorization.hpp"
#include "csms/charger_session.hpp"
#include "store/transaction_store.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace csms::handlers {

class OutsideDecision {
public:
    // Session strand, while the handler runs.
    explicit OutsideDecision(const ChargerSession& session);

    // Session strand: a partner answers for this tag and has not been asked
    // on this charger just now, so it must be asked before the transaction
    // is recorded (ask_then_handle_again).
    bool must_ask_first(const std::string& id_tag) const;

    // Writer thread: the decision made outside, if any.
    std::optional<IdTagInfo> decision(store::Database& db, const store::StartRecord& start, base::SysTime now) const;
    // The decision stands as given (the primary's): no check of ours
    // (ConcurrentTx) overrides it.
    bool binding() const { return primary_status_.has_value(); }

    // Writer thread, once the transaction is recorded, new or a retry whose
    // first answer said `recorded_status`: the primary's later decision and
    // its transaction id are kept with ours.
    void recorded(store::Database& db, std::int64_t transaction_id, const std::string& recorded_status,
                  base::SysTime now) const;

private:
    AuthorizeDelegate* delegate_;
    bool asked_already_; // handled again after the partner answered, or relayed to the primary
    std::string charger_id_;
    std::string primary_;
    std::optional<std::int64_t> primary_transaction_;
    std::optional<std::string> primary_status_;
};

// Asks the partner about the tag, records its decision (or its fallback),
// then handles the StartTransaction again from the start, where
// OutsideDecision::decision finds it. A retried start, or a tag decided
// moments ago, is handled again at once.
void ask_then_handle_again(ChargerSession& session, const ocpp::IncomingCall& call, const rapidjson::Value& payload,
                           store::StartRecord start);

} // namespace csms::handlers
