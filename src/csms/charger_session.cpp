#include "csms/charger_session.hpp"

#include "csms/connection_log.hpp"
#include "csms/handlers/handlers.hpp"
#include "csms/json.hpp"
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

void ChargerSession::dispatch(const ocpp::IncomingCall& call, const rapidjson::Value& payload)
{
    if (auto* relay = services_.primary_relay; relay != nullptr && relay->relays(id_, call.action())) {
        relay_to_primary(call, payload);
        return;
    }
    handle(call, payload);
}

// Migration mode: the primary answers first (on the uplinks' thread; this
// strand goes on with the charger's other frames), then the CALL is handled
// here as usual, and the charger gets the primary's answer once the
// handler's own answer is due, i.e. once csmsd's rows are durable too.
void ChargerSession::relay_to_primary(const ocpp::IncomingCall& call, const rapidjson::Value& payload)
{
    auto self = shared_from_this();
    services_.primary_relay->relay(
        id_, call.action(), json::text(payload), [self, call](PrimaryRelay::Outcome outcome) {
            auto shared = std::make_shared<PrimaryRelay::Outcome>(std::move(outcome));
            self->endpoint_->post([self, call, shared] { self->handle_relayed(call, *shared); });
        });
}

void ChargerSession::handle_relayed(const ocpp::IncomingCall& call, const PrimaryRelay::Outcome& outcome)
{
    auto relayed = call.answered_with(outcome.answer);
    rapidjson::Document payload;
    payload.Parse(outcome.payload.data(), outcome.payload.size());
    if (payload.HasParseError() || !payload.IsObject()) {
        relayed.error(ocpp::ErrorCode::InternalError, "unreadable relayed payload"); // sends the primary's answer
        return;
    }
    PrimaryAnswer answer{outcome.primary, std::nullopt};
    if (outcome.answer->result) {
        answer.result.emplace();
        answer.result->Parse(outcome.answer->result->data(), outcome.answer->result->size());
        if (answer.result->HasParseError() || !answer.result->IsObject()) {
            answer.result.reset(); // the charger gets InternalError for it
        }
    }
    ForgetOnExit forget(primary_answer_);
    primary_answer_ = std::move(answer);
    handle_posted(relayed, payload);
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
        handle(call, payload);
    } catch (const std::exception& e) {
        spdlog::error("[{}] handling {} failed: {}", id_, call.action(), e.what());
        call.without_replacement().error(ocpp::ErrorCode::InternalError, "internal error");
    }
}

void ChargerSession::handle(const ocpp::IncomingCall& call, const rapidjson::Value& payload)
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
        std::shared_ptr<ChargerSession> self;
        ocpp::IncomingCall call;
        store::Writer::Work work;
        std::function<rapidjson::Document()> reply;
        std::function<void()> then; // instead of reply, when set
        // Until this connection knows the charger's registration, the first
        // job reads it inside the same transaction, so no extra round trip
        // is paid. It is remembered only once that transaction has committed.
        bool gated = false;
        std::optional<store::Registration> registration;
        bool refused = false;
        std::optional<PartnerCopy::Call> partner_call;
        bool copied = false;
        bool primary_accepts = false; // relayed, and the primary answered with a CALLRESULT
    };
    auto pending = std::make_shared<Pending>(Pending{
        shared_from_this(), call, std::move(work), std::move(reply), std::move(then),
        !registration() && call.action() != "BootNotification", std::nullopt, false,
        std::exchange(partner_call_, std::nullopt), false, primary_answer_ && primary_answer_->result.has_value()});
    services_.writer.submit(
        [pending](store::Database& db) {
            auto& p = *pending;
            if (p.gated) {
                auto stored = store::find_registration(db, p.self->id_);
                if (!stored) {
                    // A charger that talks before it ever booted: it becomes
                    // known under the policy for strangers, unless its
                    // primary backend (migration) has just answered it as
                    // one of its own.
                    stored =
                        p.primary_accepts ? store::Registration::accepted : p.self->services_.policy.unknown_chargers;
                    store::set_registration(db, p.self->id_, *stored);
                }
                p.registration = stored;
                if (*stored != store::Registration::accepted) {
                    p.refused = true;
                    return;
                }
            }
            p.work(db);
            if (p.partner_call) {
                p.copied = p.self->services_.partner_copy->copy(db, p.self->id_, p.call.action(), *p.partner_call);
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
            if (p.registration) {
                p.self->set_registration(*p.registration);
            }
            if (p.copied && !p.refused) {
                p.self->services_.partner_copy->committed(p.self->id_);
            }
            if (p.refused) {
                p.call.error(ocpp::ErrorCode::SecurityError, "charge point is not accepted: send BootNotification");
                return;
            }
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
