#include "csms/charger_session.hpp"

#include "csms/connection_log.hpp"
#include "csms/handlers/handlers.hpp"
#include "csms/json.hpp"
#include "csms/registration_gate.hpp"
#include "store/charger_store.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace csms {
namespace {

// What the session keeps for the CALL being handled is that CALL's only,
// whether its handler returns or throws.
template <class T> class ForgetOnExit {
public:
    explicit ForgetOnExit(std::optional<T>& kept) : kept_(kept) {}
    ~ForgetOnExit() { kept_.reset(); }
    ForgetOnExit(const ForgetOnExit&) = delete;
    ForgetOnExit& operator=(const ForgetOnExit&) = delete;

private:
    std::optional<T>& kept_;
};

} // namespace

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

void ChargerSession::handle_after_primary(const ocpp::IncomingCall& call, const rapidjson::Value& payload,
                                          PrimaryAnswer answer)
{
    ForgetOnExit forget(primary_answer_);
    primary_answer_ = std::move(answer);
    handle_posted(call, payload);
}

std::function<void()> ChargerSession::handle_again_later(const ocpp::IncomingCall& call,
                                                         const rapidjson::Value& payload)
{
    return [self = shared_from_this(), call, text = json::text(payload)] {
        self->endpoint_->post([self, call, text] {
            rapidjson::Document again;
            again.Parse(text.data(), text.size());
            self->handled_again_ = true;
            self->handle_posted(call, again);
            self->handled_again_ = false;
        });
    };
}

void ChargerSession::handle_posted(const ocpp::IncomingCall& call, const rapidjson::Value& payload)
{
    try {
        dispatch(call, payload);
    } catch (const std::exception& e) {
        spdlog::error("[{}] handling {} failed: {}", id_, call.action(), e.what());
        call.without_replacement().error(ocpp::ErrorCode::InternalError, "internal error");
    }
}

void ChargerSession::dispatch(const ocpp::IncomingCall& call, const rapidjson::Value& payload)
{
    auto known = registration();
    if (known && *known != store::Registration::accepted && call.action() != "BootNotification") {
        call.error(ocpp::ErrorCode::SecurityError, "charge point is not accepted: send BootNotification");
        return;
    }
    // A handler that throws, or answers without a writer job, must not
    // leave its copy to the next CALL's job.
    ForgetOnExit forget(partner_call_);
    auto* partners = services_.partner_copy;
    if (partners != nullptr && partners->wants(id_, call.action())) {
        partner_call_.emplace(
            PartnerCopy::Call{json::text(payload), json::int64_field(payload, "transactionId").value});
    }
    handlers::find(call.action())(*this, call, payload);
}

void ChargerSession::commit_then_reply(const ocpp::IncomingCall& call, store::Writer::Work work,
                                       std::function<rapidjson::Document()> reply)
{
    submit(call, std::move(work), std::move(reply), {});
}

void ChargerSession::commit_then(const ocpp::IncomingCall& call, store::Writer::Work work, std::function<void()> then)
{
    submit(call, std::move(work), {}, std::move(then));
}

void ChargerSession::submit(const ocpp::IncomingCall& call, store::Writer::Work work,
                            std::function<rapidjson::Document()> reply, std::function<void()> then)
{
    // Everything the two writer-side callbacks need, in one allocation: each
    // callback then captures a single shared_ptr, which std::function keeps
    // without allocating again.
    struct Pending {
        Pending(std::shared_ptr<ChargerSession> s, const ocpp::IncomingCall& c) : self(std::move(s)), call(c) {}
        std::shared_ptr<ChargerSession> self;
        ocpp::IncomingCall call;
        store::Writer::Work work;
        std::function<rapidjson::Document()> reply;
        std::function<void()> then; // instead of reply, when set
        RegistrationGate gate;
        PartnerCopyJob copy;
    };
    auto pending = std::make_shared<Pending>(shared_from_this(), call);
    pending->work = std::move(work);
    pending->reply = std::move(reply);
    pending->then = std::move(then);
    pending->gate.needed = !registration() && call.action() != "BootNotification";
    pending->gate.for_strangers =
        primary_answer_ && primary_answer_->result ? store::Registration::accepted : services_.policy.unknown_chargers;
    pending->copy = PartnerCopyJob{services_.partner_copy, std::exchange(partner_call_, std::nullopt)};
    services_.writer.submit(
        [pending](store::Database& db) {
            auto& p = *pending;
            if (p.gate.let_through(db, p.self->id_)) {
                p.work(db);
                p.copy.write(db, p.self->id_, p.call.action());
            }
        },
        [pending](bool ok) {
            auto& p = *pending;
            if (!ok) {
                // Not even a relayed call gets its primary's answer now: the
                // charger must send it again, or csmsd would never have it.
                spdlog::error("[{}] {} could not be stored", p.self->id_, p.call.action());
                p.call.without_replacement().error(ocpp::ErrorCode::InternalError,
                                                   "could not store the message; please retry");
                return;
            }
            if (p.gate.found) {
                p.self->set_registration(*p.gate.found);
            }
            if (p.gate.refused()) {
                p.call.error(ocpp::ErrorCode::SecurityError, "charge point is not accepted: send BootNotification");
                return;
            }
            p.copy.committed(p.self->id_);
            if (p.then) {
                p.then();
                return;
            }
            p.call.result_from(std::move(p.reply));
        });
}

void ChargerSession::on_closed()
{
    services_.registry.remove(id_, this);
    log_connection(services_, id_, store::ConnectionEvent::disconnected);
    spdlog::info("[{}] disconnected", id_);
}

} // namespace csms
