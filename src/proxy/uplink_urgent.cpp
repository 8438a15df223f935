// What a charger waits for on a partner link: a delegated Authorize, or a
// CALL relayed to the charger's primary backend (migration mode). Each
// goes on the charger's link ahead of the outbox and, whatever happens (an
// answer, a CALLERROR, no answer by its deadline, a lost link), is settled
// once and handed back to the charger's session.
#include "base/log.hpp"
#include "ocpp/frame.hpp"
#include "proxy/uplink_link.hpp"
#include "store/proxy_store.hpp"

#include <spdlog/spdlog.h>

namespace csms::proxy {
namespace {

std::string duration_text(std::chrono::milliseconds limit)
{
    const auto ms = limit.count();
    return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

} // namespace

void Uplinks::Impl::send_urgent(const Partner& partner, const std::string& charger_id, std::shared_ptr<UrgentCall> call,
                                std::chrono::milliseconds timeout)
{
    if (stopping) {
        call->fail("csmsd is stopping");
        return;
    }
    ensure_link(partner, charger_id);
    auto& link = *links.at({partner.name, charger_id});
    if (link.backing_off) {
        // No point waiting for a link that is between attempts.
        call->fail("link down");
        return;
    }
    call->deadline.expires_after(timeout);
    call->deadline.async_wait([call, limit = duration_text(timeout)](boost::system::error_code ec) {
        if (!ec) {
            call->fail("no answer within " + limit);
        }
    });
    link.urgent.push_back(std::move(call));
    link.wake_timer.cancel();
}

void Uplinks::Impl::Link::fail_urgent(const std::string& reason)
{
    auto waiting = std::move(urgent);
    urgent.clear();
    for (const auto& call : waiting) {
        call->fail(reason);
    }
}

// One CALL, waited for no longer than its deadline. A late answer is
// dropped by the reader (its id is no longer the pending one), so the link
// goes on without reconnecting.
awaitable<void> Uplinks::Impl::Link::send_urgent(std::shared_ptr<Conn> conn, std::shared_ptr<UrgentCall> call)
{
    const auto remaining = call->deadline.expiry() - std::chrono::steady_clock::now();
    if (call->settled || remaining <= std::chrono::steady_clock::duration::zero()) {
        co_return;
    }
    conn->pending_id = "csms-" + std::to_string(next_id++);
    conn->answer.reset();
    conn->enqueue(ocpp::serialize_call_raw(conn->pending_id, call->action, call->payload));
    co_await wait_signal(conn->answer_timer, remaining);
    conn->pending_id.clear();
    if (conn->closed) {
        call->fail("link lost: " + conn->error);
        co_return;
    }
    if (!conn->answer) {
        co_return; // the deadline has failed it
    }
    auto answer = std::move(*conn->answer);
    conn->answer.reset();
    call->answer(answer);
}

// ---- Authorize for a partner's customers ----

void Uplinks::Impl::authorize(const std::string& partner_name, const std::string& charger_id, const std::string& id_tag,
                              std::function<void(AuthorizeDelegate::Decision)> done)
{
    const Partner* partner = partner_named(partner_name);
    auto request = std::make_shared<AuthorizeRequest>(
        AuthorizeRequest{partner_name, charger_id, id_tag, partner != nullptr ? partner->authorize_fallback : "Invalid",
                         std::move(done)});
    if (partner == nullptr) {
        fall_back(*request, "no such partner");
        return;
    }
    auto call = std::make_shared<UrgentCall>(io);
    call->action = "Authorize";
    call->payload = authorize_payload(id_tag);
    call->on_answer = [this, request](const PartnerFrame& answer) {
        if (answer.kind == 4) {
            fall_back(*request, "CALLERROR " + answer.error_code + ": " + answer.description);
        } else if (auto info = id_tag_info_in(answer.payload)) {
            decide(*request, *info, true, "");
        } else {
            fall_back(*request, "the answer has no valid idTagInfo");
        }
    };
    call->on_failure = [this, request](const std::string& reason) { fall_back(*request, reason); };
    send_urgent(*partner, charger_id, std::move(call), partner->authorize_timeout);
}

void Uplinks::Impl::decide(const AuthorizeRequest& request, const IdTagInfo& info, bool from_partner,
                           const std::string& reason)
{
    if (!from_partner) {
        // The reason may quote the partner; the tag is never logged in clear.
        spdlog::warn("proxy: partner '{}' did not decide Authorize {} on {}: fallback {}", request.partner,
                     base::redact(request.id_tag), request.charger_id, info.status);
    }
    store::PartnerDecision record;
    record.partner = request.partner;
    record.charger_id = request.charger_id;
    record.id_tag = request.id_tag;
    record.status = info.status;
    record.expiry = info.expiry;
    record.parent_id_tag = info.parent_id_tag;
    record.from_partner = from_partner;
    record.reason = reason;
    record.decided_at = clock.now_utc();
    AuthorizeDelegate::Decision decision{info, from_partner};
    writer.submit([record](store::Database& w) { store::record_partner_decision(w, record); },
                  [decision, done = request.done](bool ok) {
                      if (!ok) {
                          spdlog::error("proxy: an Authorize decision could not be recorded");
                      }
                      done(decision);
                  });
}

void Uplinks::Impl::fall_back(const AuthorizeRequest& request, const std::string& reason)
{
    decide(request, IdTagInfo{request.fallback, std::nullopt, std::nullopt}, false, reason);
}

// ---- Migration: CALLs relayed to the charger's primary backend ----

void Uplinks::Impl::relay(const std::string& primary_name, const std::string& charger_id, const std::string& action,
                          std::string payload, std::function<void(RelayResult)> done)
{
    auto result = std::make_shared<RelayResult>();
    result->payload = payload;
    const Partner* primary = partner_named(primary_name);
    try {
        // The charger knows the primary's transaction ids; csmsd handles ours.
        if (action == "MeterValues" || action == "StopTransaction") {
            if (auto theirs = transaction_id_in(payload)) {
                auto ours = db ? store::our_transaction_id(*db, primary_name, charger_id, *theirs) : std::nullopt;
                result->payload = with_transaction_id(payload, ours.value_or(unknown_transaction_id(*theirs)));
            }
        }
    } catch (const std::exception& e) {
        // On the uplinks' own thread: nothing may escape, and the charger
        // must still be answered.
        spdlog::error("proxy: relaying {} from {}: {}", action, charger_id, e.what());
        primary = nullptr;
    }
    if (primary == nullptr) {
        result->failure = "csmsd could not relay it";
        done(std::move(*result));
        return;
    }
    auto call = std::make_shared<UrgentCall>(io);
    call->action = action;
    call->payload = std::move(payload);
    auto counted = [this, primary_name, charger_id] {
        writer.submit(
            [primary_name, charger_id](store::Database& w) { store::count_forwarded(w, primary_name, charger_id); },
            [](bool) {});
    };
    call->on_answer = [result, done, counted](const PartnerFrame& answer) {
        result->answer = answer;
        counted();
        done(std::move(*result));
    };
    call->on_failure = [this, result, done, primary_name, charger_id, action](const std::string& reason) {
        spdlog::warn("proxy: primary '{}' did not answer {} from {}: {}", primary_name, action, charger_id, reason);
        auto error = action + " not answered: " + reason;
        auto now = clock.now_utc();
        writer.submit([primary_name, charger_id, error,
                       now](store::Database& w) { store::record_link_error(w, primary_name, charger_id, error, now); },
                      [](bool) {});
        result->failure = reason;
        done(std::move(*result));
    };
    send_urgent(*primary, charger_id, std::move(call), primary->call_timeout);
}

} // namespace csms::proxy
