#include "csms/authorization.hpp"
#include "csms/handlers/handlers.hpp"
#include "csms/meter_samples.hpp"
#include "store/command_store.hpp"
#include "store/sample_store.hpp"
#include "store/transaction_store.hpp"

#include <spdlog/spdlog.h>

#include <limits>

namespace csms::handlers {

// Always accepted, even for a transaction id we never issued: the charger
// would otherwise retry forever, and the stop is recorded for follow-up.
void stop_transaction(ChargerSession& session, const ocpp::IncomingCall& call, const rapidjson::Value& payload)
{
    auto meter_stop = json::bounded_int(payload, "meterStop", 0, std::numeric_limits<std::int64_t>::max());
    if (!meter_stop.value) {
        call.error(ocpp::ErrorCode::PropertyConstraintViolation, "meterStop must be 0 or more Wh");
        return;
    }
    auto transaction = json::int64_field(payload, "transactionId");
    if (!transaction.value) {
        call.error(ocpp::ErrorCode::PropertyConstraintViolation, "transactionId is out of range");
        return;
    }
    store::StopRecord stop{session.id(),
                           *transaction.value,
                           json::optional_string(payload, "idTag"),
                           *meter_stop.value,
                           *json::optional_time(payload, "timestamp"),
                           json::optional_string(payload, "reason"),
                           session.now()};
    std::vector<store::SampleRecord> samples;
    if (const auto* data = json::member(payload, "transactionData")) {
        SampleOrigin origin{session.id(), 0, stop.transaction_id, "StopTransaction", stop.received_at};
        append_samples(*data, origin, samples);
    }
    struct Answer {
        store::StopOutcome outcome{};
        std::optional<IdTagInfo> info;
    };
    auto answer = std::make_shared<Answer>();
    auto self = session.shared_from_this();
    session.commit_then_reply(
        call,
        [self, answer, stop = std::move(stop), samples = std::move(samples)](store::Database& db) mutable {
            answer->outcome = store::stop_transaction(db, stop);
            auto connector = store::find_transaction_connector(db, stop.charger_id, stop.transaction_id);
            if (answer->outcome == store::StopOutcome::closed && connector) {
                // A TxProfile lives as long as its transaction (OCPP 1.6
                // 3.13.2); the charger has dropped it, so do we.
                store::clear_charging_profiles(db, stop.charger_id, std::nullopt, *connector, "TxProfile",
                                               std::nullopt);
            }
            if (!samples.empty()) {
                for (auto& sample : samples) {
                    sample.connector_id = connector.value_or(0);
                }
                store::insert_samples(db, samples);
            }
            if (stop.id_tag) {
                answer->info = authorize_id_tag(db, *stop.id_tag, self->services().policy, self->now());
            }
        },
        [self, answer] {
            if (answer->outcome == store::StopOutcome::unknown_transaction) {
                spdlog::warn("[{}] StopTransaction for an unknown transaction, recorded as unmatched", self->id());
            }
            json::Reply reply;
            if (answer->info) {
                reply.set("idTagInfo", to_json(*answer->info));
            }
            return reply.take();
        });
}

} // namespace csms::handlers
