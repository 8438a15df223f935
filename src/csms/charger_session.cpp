#include "csms/charger_session.hpp"

#include "csms/handlers/handlers.hpp"
#include "store/charger_store.hpp"

#include <spdlog/spdlog.h>

namespace csms {

ChargerSession::ChargerSession(std::string charger_id, std::shared_ptr<ocpp::Endpoint> endpoint, Services& services)
    : id_(std::move(charger_id)), endpoint_(std::move(endpoint)), services_(services)
{
}

std::optional<store::Registration> ChargerSession::registration() const
{
    int value = registration_.load();
    if (value < 0) {
        return std::nullopt;
    }
    return static_cast<store::Registration>(value);
}

bool ChargerSession::handles(std::string_view action) const
{
    return handlers::find(action) != nullptr;
}

void ChargerSession::dispatch(const ocpp::IncomingCall& call, const rapidjson::Value& payload)
{
    auto known = registration();
    if (known && *known != store::Registration::accepted && call.action() != "BootNotification") {
        call.error(ocpp::ErrorCode::SecurityError, "charge point is not accepted: send BootNotification");
        return;
    }
    handlers::find(call.action())(*this, call, payload);
}

void ChargerSession::commit_then_reply(const ocpp::IncomingCall& call, store::Writer::Work work,
                                       std::function<rapidjson::Document()> reply)
{
    // Until this connection knows the charger's registration, the first job
    // reads it inside the same transaction, so no extra round trip is paid.
    bool gate = !registration() && call.action() != "BootNotification";
    auto refused = std::make_shared<bool>(false);
    auto self = shared_from_this();
    services_.writer.submit(
        [self, gate, refused, work = std::move(work)](store::Database& db) {
            if (gate) {
                auto stored = store::find_registration(db, self->id_);
                if (!stored) {
                    // A charger that talks before it ever booted: it becomes
                    // known under the policy for strangers.
                    stored = self->services_.policy.unknown_chargers;
                    store::set_registration(db, self->id_, *stored);
                }
                self->set_registration(*stored);
                if (*stored != store::Registration::accepted) {
                    *refused = true;
                    return;
                }
            }
            work(db);
        },
        [self, call, refused, reply = std::move(reply)](bool ok) {
            if (*refused) {
                call.error(ocpp::ErrorCode::SecurityError, "charge point is not accepted: send BootNotification");
            } else if (!ok) {
                spdlog::error("[{}] {} could not be stored", self->id_, call.action());
                call.error(ocpp::ErrorCode::InternalError, "could not store the message; please retry");
            } else {
                call.result(reply());
            }
        });
}

void ChargerSession::on_closed()
{
    services_.registry.remove(id_, this);
    spdlog::info("[{}] disconnected", id_);
}

} // namespace csms
