#include "csms/authorization.hpp"
#include "csms/handlers/handlers.hpp"
#include "store/command_store.hpp"
#include "store/proxy_store.hpp"
#include "store/transaction_store.hpp"

#include <spdlog/spdlog.h>

#include <limits>

namespace csms::handlers {
namespace {

struct StartAnswer {
    std::int64_t transaction_id = 0;
    IdTagInfo info;
    bool retry = false;
};

// Migrating (the charger's primary backend is a remote CSMS): the charger
// gets the primary's transactionId, so ours is mapped to it, and the
// primary's idTagInfo status is the one recorded.
struct PrimaryStart {
    std::string primary, charger_id;
    std::optional<std::int64_t> transaction_id; // the primary's
    std::optional<std::string> status;

    void map(store::Database& db, std::int64_t ours, base::SysTime now) const
    {
        if (transaction_id) {
            store::map_partner_transaction(db, primary, ours, *transaction_id, charger_id, now);
        }
    }
};

PrimaryStart primary_start(const ChargerSession& session)
{
    PrimaryStart out;
    const auto* answer = session.primary_answer();
    if (answer == nullptr || !answer->result) {
        return out;
    }
    out.primary = answer->primary;
    out.charger_id = session.id();
    out.transaction_id = json::int64_field(*answer->result, "transactionId").value;
    if (const auto* info = json::member(*answer->result, "idTagInfo"); info != nullptr && info->IsObject()) {
        out.status = json::optional_string(*info, "status");
    }
    return out;
}

// A partner's customer starting with no Authorize on this charger just
// before (the charger's own cache or local list, a RemoteStart): the
// partner is asked first, as for an Authorize, and its decision (or its
// fallback) is recorded; the StartTransaction is then handled again from
// the start and finds that decision. A retried start, or a tag decided
// moments ago, is handled again at once.
void ask_partner_first(ChargerSession& session, const ocpp::IncomingCall& call, const rapidjson::Value& payload,
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

} // namespace

// A tag a partner has just answered for on this charger (Authorize
// delegation, asked now if it was not) gets that answer instead of our
// id_tags table's; a charger still run by its primary backend (migration)
// records the primary's. A retried identical request (same charger, connector, tag, timestamp and
// meterStart) gets the transaction id it got the first time. A tag already
// charging elsewhere gets ConcurrentTx; the transaction is recorded anyway,
// since the charger may deliver energy before it stops.
void start_transaction(ChargerSession& session, const ocpp::IncomingCall& call, const rapidjson::Value& payload)
{
    auto connector = json::bounded_int(payload, "connectorId", 1, std::numeric_limits<int>::max());
    if (!connector.value) {
        call.error(ocpp::ErrorCode::PropertyConstraintViolation, "connectorId must be 1 or more");
        return;
    }
    auto meter_start = json::bounded_int(payload, "meterStart", 0, std::numeric_limits<std::int64_t>::max());
    if (!meter_start.value) {
        call.error(ocpp::ErrorCode::PropertyConstraintViolation, "meterStart must be 0 or more Wh");
        return;
    }
    auto reservation =
        json::bounded_int(payload, "reservationId", std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
    if (reservation.out_of_range) {
        call.error(ocpp::ErrorCode::PropertyConstraintViolation, "reservationId is out of range");
        return;
    }
    store::StartRecord start{session.id(),
                             static_cast<int>(*connector.value),
                             json::string(payload, "idTag"),
                             *meter_start.value,
                             *json::optional_time(payload, "timestamp"),
                             reservation.value ? std::optional<int>(static_cast<int>(*reservation.value))
                                               : std::nullopt,
                             {},
                             session.now()};
    if (const auto* partners = session.services().authorize_delegate; partners != nullptr && !session.handled_again() &&
                                                                      session.primary_answer() == nullptr &&
                                                                      partners->may_answer(start.id_tag)) {
        ask_partner_first(session, call, payload, std::move(start));
        return;
    }
    auto answer = std::make_shared<StartAnswer>();
    auto self = session.shared_from_this();
    auto primary = primary_start(session);
    session.commit_then_reply(
        call,
        [self, answer, primary, start = std::move(start)](store::Database& db) mutable {
            if (auto earlier = store::find_identical_start(db, start)) {
                *answer = StartAnswer{earlier->transaction_id, IdTagInfo{earlier->auth_status, {}, {}}, true};
                // A retry after the primary was silent: now it has decided.
                if (primary.status && *primary.status != earlier->auth_status) {
                    store::set_start_auth_status(db, earlier->transaction_id, *primary.status);
                }
                primary.map(db, earlier->transaction_id, self->now());
                return;
            }
            // A partner's customer was authorised by the partner just before:
            // the same decision holds (our own table does not know the tag).
            std::optional<IdTagInfo> delegated;
            if (primary.status) {
                delegated = IdTagInfo{*primary.status, {}, {}};
            } else if (auto* delegate = self->services().authorize_delegate) {
                delegated = delegate->earlier_decision(db, start.charger_id, start.id_tag, self->now());
            }
            auto info =
                delegated ? *delegated : authorize_id_tag(db, start.id_tag, self->services().policy, self->now());
            if (info.status == "Accepted" && !primary.status &&
                store::find_open_transaction_for_tag(db, start.id_tag, start.charger_id, start.connector_id)) {
                info.status = "ConcurrentTx";
            }
            start.auth_status = info.status;
            auto transaction_id = store::insert_transaction(db, start);
            primary.map(db, transaction_id, self->now());
            if (start.reservation_id) {
                // The charger ends a reservation when a transaction starts on
                // it (OCPP 1.6, 5.13), whatever we answer for the tag.
                store::mark_reservation_used(db, start.charger_id, *start.reservation_id, transaction_id,
                                             start.received_at);
            }
            *answer = StartAnswer{transaction_id, std::move(info), false};
        },
        [self, answer] {
            spdlog::info("[{}] StartTransaction -> transaction {} ({}{})", self->id(), answer->transaction_id,
                         answer->info.status, answer->retry ? ", retry" : "");
            return json::Reply()
                .set("transactionId", answer->transaction_id)
                .set("idTagInfo", to_json(answer->info))
                .take();
        });
}

} // namespace csms::handlers
