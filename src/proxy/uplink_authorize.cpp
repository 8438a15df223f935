// Authorize delegated to a partner: the question goes on the charger's link
// ahead of the outbox, and whatever happens — an answer, a CALLERROR, no
// answer by the deadline, a lost link — the request is decided once, the
// decision recorded, and only then handed back to the charger's session.
#include "base/log.hpp"
#include "proxy/uplink_link.hpp"
#include "store/proxy_store.hpp"

#include <spdlog/spdlog.h>

namespace csms::proxy {

void Uplinks::Impl::authorize(const std::string& partner_name, const std::string& charger_id, const std::string& id_tag,
                              std::function<void(AuthorizeDelegate::Decision)> done)
{
    auto request = std::make_shared<AuthorizeRequest>(io);
    request->partner = partner_name;
    request->charger_id = charger_id;
    request->id_tag = id_tag;
    request->done = std::move(done);
    const Partner* partner = partner_named(partner_name);
    request->fallback = partner != nullptr ? partner->authorize_fallback : "Invalid";
    if (partner == nullptr || stopping) {
        fall_back(*request, "csmsd is stopping");
        return;
    }
    ensure_link(*partner, charger_id);
    auto& link = *links.at({partner_name, charger_id});
    if (link.backing_off) {
        // No point waiting for a link that is between attempts.
        fall_back(*request, "link down");
        return;
    }
    request->deadline.expires_after(partner->authorize_timeout);
    const auto ms = partner->authorize_timeout.count();
    const auto limit = ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
    request->deadline.async_wait([owner = shared_from_this(), request, limit](boost::system::error_code ec) {
        if (!ec) {
            owner->fall_back(*request, "no answer within " + limit);
        }
    });
    link.authorizations.push_back(std::move(request));
    link.wake_timer.cancel();
}

void Uplinks::Impl::decide(AuthorizeRequest& request, const IdTagInfo& info, bool from_partner,
                           const std::string& reason)
{
    if (request.decided) {
        return;
    }
    request.decided = true;
    request.deadline.cancel();
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
                  [decision, done = std::move(request.done)](bool ok) {
                      if (!ok) {
                          spdlog::error("proxy: an Authorize decision could not be recorded");
                      }
                      done(decision);
                  });
}

void Uplinks::Impl::fall_back(AuthorizeRequest& request, const std::string& reason)
{
    decide(request, IdTagInfo{request.fallback, std::nullopt, std::nullopt}, false, reason);
}

void Uplinks::Impl::Link::fail_authorizations(const std::string& reason)
{
    auto waiting = std::move(authorizations);
    authorizations.clear();
    for (const auto& request : waiting) {
        impl.fall_back(*request, reason);
    }
}

// One Authorize CALL, waited for no longer than its deadline. A late answer
// is dropped by the reader (its id is no longer the pending one), so the
// link goes on without reconnecting.
awaitable<void> Uplinks::Impl::Link::send_authorize(std::shared_ptr<Conn> conn,
                                                    std::shared_ptr<AuthorizeRequest> request)
{
    const auto remaining = request->deadline.expiry() - std::chrono::steady_clock::now();
    if (request->decided || remaining <= std::chrono::steady_clock::duration::zero()) {
        co_return;
    }
    conn->pending_id = "csms-" + std::to_string(next_id++);
    conn->answer.reset();
    conn->enqueue(call_frame(conn->pending_id, "Authorize", authorize_payload(request->id_tag)));
    co_await wait_signal(conn->answer_timer, remaining);
    conn->pending_id.clear();
    if (conn->closed) {
        impl.fall_back(*request, "link lost: " + conn->error);
        co_return;
    }
    if (!conn->answer) {
        co_return; // the deadline gives the fallback
    }
    auto answer = std::move(*conn->answer);
    conn->answer.reset();
    if (answer.kind == 4) {
        impl.fall_back(*request, "CALLERROR " + answer.error_code + ": " + answer.description);
        co_return;
    }
    if (auto info = id_tag_info_in(answer.payload)) {
        impl.decide(*request, *info, true, "");
    } else {
        impl.fall_back(*request, "the answer has no valid idTagInfo");
    }
}

} // namespace csms::proxy
