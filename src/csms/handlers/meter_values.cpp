#include "csms/handlers/handlers.hpp"
#include "csms/json.hpp"
#include "csms/meter_samples.hpp"
#include "store/transaction_store.hpp"

namespace csms::handlers {

void meter_values(ChargerSession& session, const ocpp::IncomingCall& call, const rapidjson::Value& payload)
{
    auto connector = json::integer(payload, "connectorId");
    if (connector < 0) {
        call.error(ocpp::ErrorCode::PropertyConstraintViolation, "connectorId must be 0 (the charger) or more");
        return;
    }
    SampleOrigin origin{session.id(), static_cast<int>(connector), json::optional_int(payload, "transactionId"),
                        "MeterValues", session.now()};
    std::vector<store::SampleRecord> samples;
    if (auto problem = append_samples(*json::member(payload, "meterValue"), origin, samples)) {
        call.error(ocpp::ErrorCode::PropertyConstraintViolation, *problem);
        return;
    }
    session.commit_then_reply(
        call, [samples = std::move(samples)](store::Database& db) { store::insert_samples(db, samples); },
        [] { return json::Reply().take(); });
}

} // namespace csms::handlers
