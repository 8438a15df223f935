#include "csms/boot_configuration.hpp"

#include "csms/json.hpp"

#include "csms/command_effects.hpp"
#include "store/command_store.hpp"
#include "store/transaction.hpp"

#include <spdlog/spdlog.h>

#include <memory>

namespace csms {
namespace {

constexpr const char* quarter_hour_s = "900";

store::CommandOutcome outcome_of(ocpp::CallOutcome::Kind kind)
{
    using Kind = ocpp::CallOutcome::Kind;
    switch (kind) {
    case Kind::result:
        return store::CommandOutcome::result;
    case Kind::call_error:
        return store::CommandOutcome::call_error;
    case Kind::timeout:
        return store::CommandOutcome::timeout;
    case Kind::closed:
        return store::CommandOutcome::not_connected;
    case Kind::queue_full:
        return store::CommandOutcome::busy;
    case Kind::invalid_request:
    case Kind::invalid_response:
        break;
    }
    return store::CommandOutcome::invalid_response;
}

} // namespace

void BootConfiguration::configure(const std::string& charger_id)
{
    change(charger_id, "MeterValueSampleInterval", quarter_hour_s);
    change(charger_id, "ClockAlignedDataInterval", quarter_hour_s);
}

void BootConfiguration::change(const std::string& charger_id, const std::string& key, const std::string& value)
{
    rapidjson::Document payload(rapidjson::kObjectType);
    payload.AddMember("key", rapidjson::Value(key, payload.GetAllocator()), payload.GetAllocator());
    payload.AddMember("value", rapidjson::Value(value, payload.GetAllocator()), payload.GetAllocator());
    auto record = std::make_shared<store::CommandRecord>();
    record->charger_id = charger_id;
    record->action = "ChangeConfiguration";
    record->request = json::text(payload);
    record->requested_at = clock_.now_utc();
    commands_.send(charger_id, "ChangeConfiguration", std::move(payload), [this, record](ocpp::CallOutcome outcome) {
        record->outcome = outcome_of(outcome.kind);
        record->finished_at = clock_.now_utc();
        if (outcome.kind == ocpp::CallOutcome::Kind::result && outcome.payload.IsObject() &&
            outcome.payload.HasMember("status") && outcome.payload["status"].IsString()) {
            record->status = outcome.payload["status"].GetString();
        }
        if (outcome.kind == ocpp::CallOutcome::Kind::result) {
            record->response = json::text(outcome.payload);
        }
        if (record->status != "Accepted") {
            spdlog::warn("[{}] ChangeConfiguration {}: {}", record->charger_id, record->request,
                         record->status.value_or(std::string(store::to_string(record->outcome))));
        }
        writer_.submit(
            [record](store::Database& db) {
                store::record_command(db, *record);
                if (record->outcome != store::CommandOutcome::result) {
                    return;
                }
                // As for an operator's command: the effect in a
                // savepoint of its own, the history row kept.
                try {
                    store::Savepoint effects(db, "command_effects");
                    rapidjson::Document request, response;
                    request.Parse(record->request.c_str());
                    response.Parse(record->response->c_str());
                    apply_command_effects(db, record->charger_id, record->action, request, &response,
                                          record->finished_at);
                    effects.release();
                } catch (const std::exception& e) {
                    spdlog::error("[{}] boot configuration: its effect could not be tracked: {}", record->charger_id,
                                  e.what());
                }
            },
            [](bool) {});
    });
}

} // namespace csms
