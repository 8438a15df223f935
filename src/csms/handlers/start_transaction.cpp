#include "csms/authorization.hpp"
#include "csms/handlers/handlers.hpp"
#include "csms/handlers/outside_decision.hpp"
#include "store/command_store.hpp"
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

} // namespace

// A retried identical request (same charger, connector, tag, timestamp and
// meterStart) gets the transaction id it got the first time. The tag is
// decided by our id_tags table unless it was decided outside (a partner's
// customer, a charger still run by its primary backend: OutsideDecision). A
// tag already charging elsewhere gets ConcurrentTx; the transaction is
// recorded anyway, since the charger may deliver energy before it stops.
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
    OutsideDecision outside(session);
    if (outside.must_ask_first(start.id_tag)) {
        ask_then_handle_again(session, call, payload, std::move(start));
        return;
    }
    auto answer = std::make_shared<StartAnswer>();
    auto self = session.shared_from_this();
    session.commit_then_reply(
        call,
        [self, answer, outside = std::move(outside), start = std::move(start)](store::Database& db) mutable {
            const auto now = self->now();
            if (auto earlier = store::find_identical_start(db, start)) {
                *answer = StartAnswer{earlier->transaction_id, IdTagInfo{earlier->auth_status, {}, {}}, true};
                outside.recorded(db, earlier->transaction_id, earlier->auth_status, now);
                return;
            }
            auto decided = outside.decision(db, start, now);
            auto info = decided ? *decided : authorize_id_tag(db, start.id_tag, self->services().policy, now);
            if (info.status == "Accepted" && !outside.binding() &&
                store::find_open_transaction_for_tag(db, start.id_tag, start.charger_id, start.connector_id)) {
                info.status = "ConcurrentTx";
            }
            start.auth_status = info.status;
            auto transaction_id = store::insert_transaction(db, start);
            outside.recorded(db, transaction_id, info.status, now);
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
