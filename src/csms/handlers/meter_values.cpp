#include "csms/handlers/handlers.hpp"
#include "csms/json.hpp"
#include "csms/meter_samples.hpp"
#include "store/sample_store.hpp"

#include <limits>

namespace csms::handlers {

void meter_values(ChargerSession& session, const ocpp::IncomingCall& call, const rapidjson::Value& payload)
{
    auto connector = json::bounded_int(payload, "connectorId", 0, std::numeric_limits<int>::max());
    if (!connector.value) {
        call.error(ocpp::ErrorCode::PropertyConstraintViolation, "connectorId must be 0 (the charger) or more");
        return;
    }
    auto transaction = json::int64_field(payload, "transactionId");
    if (transaction.out_of_range) {
        call.error(ocpp::ErrorCode::PropertyConstraintViolation, "transactionId is out of range");
        return;
    }
    SampleOrigin origin{session.id(), static_cast<int>(*connector.value), transaction.value, "MeterValues",
                        session.now()};
    std::vector<store::SampleRecord> samples;
    append_samples(*json::member(payload, "meterValue"), origin, samples);
    session.commit_then_reply(
        call, [samples = std::move(samples)](store::Database& db) { store::insert_samples(db, samples); },
        [] { return json::Reply().take(); });
}

} // namespace csms::handlers
