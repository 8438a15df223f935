#include "base/time_format.hpp"
#include "csms/handlers/handlers.hpp"
#include "csms/json.hpp"
#include "store/charger_store.hpp"

#include <spdlog/spdlog.h>

namespace csms::handlers {

void boot_notification(ChargerSession& session, const ocpp::IncomingCall& call, const rapidjson::Value& payload)
{
    store::BootRecord boot{session.id(),
                           json::string(payload, "chargePointVendor"),
                           json::string(payload, "chargePointModel"),
                           json::optional_string(payload, "chargePointSerialNumber"),
                           json::optional_string(payload, "chargeBoxSerialNumber"),
                           json::optional_string(payload, "firmwareVersion"),
                           json::optional_string(payload, "iccid"),
                           json::optional_string(payload, "imsi"),
                           json::optional_string(payload, "meterType"),
                           json::optional_string(payload, "meterSerialNumber"),
                           session.now()};
    // Migrating: the primary backend decides the registration, and manages
    // the charger's configuration (csmsd pushes none after the boot).
    std::optional<store::Registration> primary_decision;
    const bool relayed = session.primary_answer() != nullptr;
    if (relayed && session.primary_answer()->result) {
        primary_decision = store::registration_from_string(json::string(*session.primary_answer()->result, "status"));
    }
    auto outcome = std::make_shared<store::Registration>();
    auto self = session.shared_from_this();
    session.commit_then_reply(
        call,
        [self, outcome, primary_decision, boot = std::move(boot)](store::Database& db) {
            *outcome = store::record_boot(db, boot, self->services().policy.unknown_chargers);
            if (primary_decision && *primary_decision != *outcome) {
                store::set_registration(db, boot.charger_id, *primary_decision);
                *outcome = *primary_decision;
            }
        },
        [self, outcome, relayed] {
            self->set_registration(*outcome); // committed by now
            const auto& policy = self->services().policy;
            auto interval =
                *outcome == store::Registration::accepted ? policy.heartbeat_interval : policy.boot_retry_interval;
            spdlog::info("[{}] BootNotification: {}", self->id(), store::to_string(*outcome));
            if (*outcome == store::Registration::accepted && self->services().after_accepted_boot && !relayed) {
                self->services().after_accepted_boot(self->id()); // its calls queue behind this answer
            }
            return json::Reply()
                .set("status", store::to_string(*outcome))
                .set("currentTime", base::format_date_time(self->now()))
                .set("interval", static_cast<std::int64_t>(interval.count()))
                .take();
        });
}

} // namespace csms::handlers
