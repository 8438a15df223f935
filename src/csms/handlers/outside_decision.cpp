#include "csms/handlers/outside_decision.hpp"

#include "csms/json.hpp"
#include "store/proxy_store.hpp"

namespace csms::handlers {

OutsideDecision::OutsideDecision(const ChargerSession& session)
    : delegate_(session.services().authorize_delegate),
      asked_already_(session.handled_again() || session.primary_answer() != nullptr), charger_id_(session.id())
{
    const auto* answer = session.primary_answer();
    if (answer == nullptr || !answer->result) {
        return;
    }
    primary_ = answer->primary;
    primary_transaction_ = json::int64_field(*answer->result, "transactionId").value;
    if (const auto* info = json::member(*answer->result, "idTagInfo"); info != nullptr && info->IsObject()) {
        primary_status_ = json::optional_string(*info, "status");
    }
}

bool OutsideDecision::must_ask_first(const std::string& id_tag) const
{
    return delegate_ != nullptr && !asked_already_ && delegate_->may_answer(id_tag);
}

std::optional<IdTagInfo> OutsideDecision::decision(store::Database& db, const store::StartRecord& start,
                                                   base::SysTime now) const
{
    if (primary_status_) {
        return IdTagInfo{*primary_status_, {}, {}};
    }
    if (delegate_ != nullptr) {
        return delegate_->earlier_decision(db, start.charger_id, start.id_tag, now);
    }
    return std::nullopt;
}

void OutsideDecision::recorded(store::Database& db, std::int64_t transaction_id, const std::string& recorded_status,
                               base::SysTime now) const
{
    // A retry after the primary was silent: now it has decided.
    if (primary_status_ && *primary_status_ != recorded_status) {
        store::set_start_auth_status(db, transaction_id, *primary_status_);
    }
    if (primary_transaction_) {
        store::map_partner_transaction(db, primary_, transaction_id, *primary_transaction_, charger_id_, now);
    }
}

void ask_then_handle_again(ChargerSession& session, const ocpp::IncomingCall& call, const rapidjson::Value& payload,
                           store::StartRecord start)
{
    auto self = session.shared_from_this();
    auto again = session.handle_again_later(call, payload);
    auto partner = std::make_shared<std::string>();
    auto tag = start.id_tag;
    session.services().writer.submit(
        [self, partner, start = std::move(start)](store::Database& db) {
            auto* delegate = self->services().authorize_delegate;
            if (!store::find_identical_start(db, start) &&
                !delegate->earlier_decision(db, start.charger_id, start.id_tag, self->now())) {
                *partner = delegate->partner_for(db, start.charger_id, start.id_tag);
            }
        },
        [self, partner, tag, again](bool) {
            if (partner->empty()) {
                again();
                return;
            }
            self->services().authorize_delegate->ask(*partner, self->id(), tag,
                                                     [again](const AuthorizeDelegate::Decision&) { again(); });
        });
}

} // namespace csms::handlers
