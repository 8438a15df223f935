#include "csms/charger_session.hpp"

#include "csms/handlers/handlers.hpp"
#include "store/charger_store.hpp"

#include <spdlog/spdlog.h>

namespace csms {

ChargerSession::ChargerSession(std::string charger_id, std::shared_ptr<ocpp::Endpoint> endpoint, Services& services,
                               bool over_tls)
    : id_(std::move(charger_id)), endpoint_(std::move(endpoint)), services_(services), over_tls_(over_tls)
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
    // It is remembered only once that transaction has committed.
    struct Gate {
        std::optional<store::Registration> registration;
        bool refused = false;
    };
    bool gated = !registration() && call.action() != "BootNotification";
    auto gate = std::make_shared<Gate>();
    auto self = shared_from_this();
    services_.writer.submit(
        [self, gated, gate, work = std::move(work)](store::Database& db) {
            if (gated) {
                auto stored = store::find_registration(db, self->id_);
                if (!stored) {
                    // A charger that talks before it ever booted: it becomes
                    // known under the policy for strangers.
                    stored = self->services_.policy.unknown_chargers;
                    store::set_registration(db, self->id_, *stored);
                }
                gate->registration = stored;
                if (*stored != store::Registration::accepted) {
                    gate->refused = true;
                    return;
                }
            }
            work(db);
        },
        [self, call, gate, reply = std::move(reply)](bool ok) {
            if (!ok) {
                spdlog::error("[{}] {} could not be stored", self->id_, call.action());
                call.error(ocpp::ErrorCode::InternalError, "could not store the message; please retry");
                return;
            }
            if (gate->registration) {
                self->set_registration(*gate->registration);
            }
            if (gate->refused) {
                call.error(ocpp::ErrorCode::SecurityError, "charge point is not accepted: send BootNotification");
                return;
            }
            call.result_from(reply);
        });
}

void ChargerSession::on_closed()
{
    services_.registry.remove(id_, this);
    spdlog::info("[{}] disconnected", id_);
}

} // namespace csms
