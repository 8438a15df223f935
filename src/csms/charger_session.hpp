#pragma once
// One connected charger as the domain sees it: routes its validated CALLs to
// one handler per action, gates them on registration, and turns "rows
// committed" into the CALLRESULT (acknowledged means durable).
#include "base/clock.hpp"
#include "csms/partner_copy.hpp"
#include "csms/primary_relay.hpp"
#include "csms/services.hpp"
#include "ocpp/endpoint.hpp"
#include "store/writer.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace csms {

class ChargerSession final : public ocpp::CallDispatcher, public std::enable_shared_from_this<ChargerSession> {
public:
    ChargerSession(std::string charger_id, std::shared_ptr<ocpp::Endpoint> endpoint, Services& services,
                   bool over_tls = false);

    const std::string& id() const { return id_; }
    // The session came in over wss (profile 2 or 3, or profile 0 by policy).
    bool over_tls() const { return over_tls_; }
    Services& services() { return services_; }
    const Services& services() const { return services_; }
    base::SysTime now() const { return services_.clock.now_utc(); }
    ocpp::Endpoint& endpoint() { return *endpoint_; }

    bool handles(std::string_view action) const override;
    void dispatch(const ocpp::IncomingCall& call, const rapidjson::Value& payload) override;
    void on_closed() override;

    // Session strand (PrimaryFirst, migration mode): handles a CALL its
    // primary backend has answered; the handlers see that answer through
    // primary_answer() and the charger gets it.
    void handle_after_primary(const ocpp::IncomingCall& call, const rapidjson::Value& payload, PrimaryAnswer answer);
    // Session strand, while a handler runs: the primary's answer when this
    // CALL was relayed to the charger's primary backend, else nullptr.
    const PrimaryAnswer* primary_answer() const { return primary_answer_ ? &*primary_answer_ : nullptr; }

    // Session strand, inside a handler that must wait for something before
    // it can decide: returns a function, to be called once from any thread,
    // that handles this CALL again from the start on the strand, with
    // handled_again() true.
    std::function<void()> handle_again_later(const ocpp::IncomingCall& call, const rapidjson::Value& payload);
    bool handled_again() const { return handled_again_; }

    // Runs work on the writer thread inside the group commit, then answers
    // with reply() once the batch is durable, or with InternalError if it
    // is not. reply runs on the session strand, off the writer thread.
    void commit_then_reply(const ocpp::IncomingCall& call, store::Writer::Work work,
                           std::function<rapidjson::Document()> reply);
    // The same, but once the batch is durable `then` runs (on the writer
    // thread: it must be cheap) and answers the call itself, possibly
    // later from another thread. Failures and refusals are answered here.
    void commit_then(const ocpp::IncomingCall& call, store::Writer::Work work, std::function<void()> then);

    void set_registration(store::Registration registration) { registration_ = static_cast<int>(registration); }
    // Known and Accepted (read from the database or set by a boot).
    bool accepted() const { return registration() == store::Registration::accepted; }

    // Session strand only. The first Heartbeat of a connection is stored
    // before it is answered; later ones are coalesced (LastSeen).
    bool heartbeat_stored() const { return heartbeat_stored_; }
    void set_heartbeat_stored() { heartbeat_stored_ = true; }

private:
    std::optional<store::Registration> registration() const;
    // dispatch() off the endpoint's dispatch (posted work): an exception is
    // answered with InternalError here, as the endpoint would.
    void handle_posted(const ocpp::IncomingCall& call, const rapidjson::Value& payload);
    void submit(const ocpp::IncomingCall& call, store::Writer::Work work, std::function<rapidjson::Document()> reply,
                std::function<void()> then);

    std::string id_;
    std::shared_ptr<ocpp::Endpoint> endpoint_;
    Services& services_;
    bool over_tls_;
    // Unknown until a BootNotification answer or the first gated message has
    // read it from the database; written from the writer thread.
    std::atomic<int> registration_{-1};
    bool heartbeat_stored_ = false;
    // Session strand: the CALL being dispatched, serialised for the partners
    // that want it; taken by commit_then_reply (or commit_then) into its
    // writer job. A CALL its handler answers without a writer job (a
    // coalesced Heartbeat, an invalid message) is not copied.
    std::optional<PartnerCopy::Call> partner_call_;
    // Session strand: set while a relayed CALL's handler runs.
    std::optional<PrimaryAnswer> primary_answer_;
    bool handled_again_ = false;
};

} // namespace csms
