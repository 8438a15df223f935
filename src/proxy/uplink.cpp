#include "proxy/uplink_link.hpp"

#include "base/guarded_run.hpp"
#include "base/thread_name.hpp"
#include "csms/json.hpp"

#include "store/proxy_store.hpp"
#include "store/security_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace csms::proxy {
namespace uplink_detail {

awaitable<void> wait_signal(asio::steady_timer& timer, std::chrono::steady_clock::duration limit)
{
    timer.expires_after(limit);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
}

} // namespace uplink_detail

void Uplinks::Impl::set_state(const Link& link, std::string state, std::optional<std::string> error)
{
    if (link.retired) {
        return; // its key may belong to the link that replaced it
    }
    std::lock_guard lock(states_mutex);
    auto& s = states[{link.partner.name, link.charger_id}];
    s.partner = link.partner.name;
    s.charger_id = link.charger_id;
    s.state = std::move(state);
    if (error) {
        s.last_error = std::move(*error);
    }
}

void Uplinks::Impl::ensure_link(const Partner& partner, const std::string& charger_id)
{
    auto key = std::make_pair(partner.name, charger_id);
    if (links.count(key) != 0 || stopping) {
        return;
    }
    auto link = std::make_shared<Link>(*this, partner, charger_id);
    links[key] = link;
    set_state(*link, "connecting");
    link->start_health();
    link->start_counters();
    asio::co_spawn(io, link->run(), log_if_failed("the partner link " + partner.name + " for " + charger_id));
}

void Uplinks::Impl::start_links()
{
    for (const auto& link : store::outbox_links(*db)) {
        if (const auto* partner = partner_named(link.partner)) {
            ensure_link(*partner, link.charger_id);
        }
    }
    for (const auto& partner : partners.current().partners) {
        for (const auto& charger : partner.chargers) {
            ensure_link(partner, charger);
        }
    }
}

namespace {

// Whether a link of `before` for this charger can go on under `after`:
// nothing but the choice of chargers changed, and it still has this one
// (taking a charger off a primary must not restart the primary's others).
bool link_survives(const Partner& before, const Partner& after, const std::string& charger_id)
{
    Partner a = before;
    Partner b = after;
    a.chargers.clear();
    b.chargers.clear();
    if (!(a == b)) {
        return false; // regions included: a region link would need the database to re-check
    }
    return std::binary_search(after.chargers.begin(), after.chargers.end(), charger_id) || !after.regions.empty();
}

} // namespace

void Uplinks::Impl::retire_stale_links()
{
    for (auto it = links.begin(); it != links.end();) {
        auto& link = *it->second;
        const Partner* now = partner_named(link.partner.name);
        if (now != nullptr && link_survives(link.partner, *now, link.charger_id)) {
            ++it;
            continue;
        }
        spdlog::info("proxy: partner '{}' link for {} closed: the partner was {} by a reload", link.partner.name,
                     link.charger_id, now == nullptr ? "removed" : "changed");
        link.retire();
        {
            std::lock_guard lock(states_mutex);
            states.erase(it->first);
        }
        it = links.erase(it);
    }
}

void Uplinks::Impl::on_wake(const std::string& charger_id)
{
    for (const auto& partner : partners.current().partners) {
        auto it = links.find({partner.name, charger_id});
        if (it == links.end()) {
            if (store::outbox_depth(*db, partner.name, charger_id) > 0) {
                ensure_link(partner, charger_id);
            }
            continue;
        }
        auto& link = *it->second;
        if (link.known_depth >= 0) {
            ++link.known_depth; // at most one row per partner per wake
        }
        check_buffer_if_needed(link);
        link.wake_timer.cancel();
    }
}

// Counting a link's rows costs an index range, so it is done only when
// the link's estimate (never below the truth) could be over the limit.
void Uplinks::Impl::check_buffer_if_needed(Link& link)
{
    if (link.known_depth < 0 || link.known_depth > link.partner.buffer_limit) {
        check_buffer(link);
    }
}

// Over buffer_limit: the oldest copies go, and one alert says so until the
// link has drained below the limit again.
void Uplinks::Impl::check_buffer(Link& link)
{
    const auto limit = static_cast<std::int64_t>(link.partner.buffer_limit);
    const auto depth = store::outbox_depth(*db, link.partner.name, link.charger_id);
    link.known_depth = std::min(depth, limit);
    if (depth <= limit) {
        // Right after a drop the buffer is exactly full: that is not drained,
        // and clearing here raised a second alert at the next copy.
        if (depth < limit) {
            link.overflow_alerted = false;
        }
        return;
    }
    bool alert = !link.overflow_alerted;
    link.overflow_alerted = true;
    auto partner = link.partner.name;
    auto charger = link.charger_id;
    auto now = clock.now_utc();
    writer.submit(
        [partner, charger, limit, alert, now](store::Database& w) {
            auto dropped = store::drop_oldest_outbox(w, partner, charger, limit);
            if (dropped == 0) {
                return;
            }
            store::count_dropped(w, partner, charger, dropped);
            if (alert) {
                store::AlertRecord record;
                record.charger_id = charger;
                record.kind = "proxy_buffer_overflow";
                record.severity = store::AlertSeverity::warning;
                record.message = "partner '" + partner + "' is not taking messages: its buffer of " +
                                 std::to_string(limit) + " is full and the oldest are being dropped";
                record.source_ref = "proxy_links:" + partner;
                record.raised_at = now;
                store::insert_alert(w, record);
            }
        },
        [](bool) {});
}

Uplinks::Uplinks(const Partners& partners, std::string db_path, store::Writer& writer, CommandService& commands,
                 const base::Clock& clock, base::Metrics& metrics, Options options)
    : impl_(std::make_shared<Impl>(partners, std::move(db_path), writer, commands, clock, metrics, options))
{
}

std::shared_ptr<const Uplinks::Tls> Uplinks::load_tls(const PartnerSet& partners)
{
    auto tls = std::make_shared<Tls>();
    for (const auto& p : partners.partners) {
        if (p.endpoint.tls) {
            tls->contexts[p.name] = Impl::make_tls_context(p);
        }
    }
    return tls;
}

void Uplinks::reload(std::shared_ptr<const Tls> tls)
{
    asio::post(impl_->io, [impl = impl_, tls = std::move(tls)] {
        if (impl->stopping || !impl->db) {
            return;
        }
        impl->tls = tls;
        impl->retire_stale_links();
        impl->clear_alerts_of_gone_partners();
        try {
            impl->start_links();
        } catch (const std::exception& e) {
            spdlog::error("proxy: starting links after a reload: {}", e.what());
        }
    });
}

Uplinks::~Uplinks()
{
    stop();
}

void Uplinks::start()
{
    auto& impl = *impl_;
    impl.db.emplace(impl.db_path, true);
    impl.work.emplace(impl.io.get_executor());
    asio::post(impl.io, [&impl] {
        impl.clear_alerts_of_gone_partners();
        impl.start_links();
    });
    impl.thread = std::thread([&impl] {
        base::name_this_thread("partner links");
        base::run_guarded(impl.io, "the partner links");
    });
}

void Uplinks::stop()
{
    auto& impl = *impl_;
    if (!impl.thread.joinable()) {
        return;
    }
    asio::post(impl.io, [&impl] {
        impl.stopping = true;
        for (auto& [key, link] : impl.links) {
            if (link->current) {
                link->current->close_with("csmsd is stopping");
            }
            link->wake_timer.cancel();
            link->retry_timer.cancel();
            link->alert_timer.cancel();
            link->fail_urgent("csmsd is stopping");
        }
    });
    impl.work.reset();
    // Coroutines still waiting for the writer end with the io_context.
    impl.writer.flush();
    impl.io.stop();
    impl.thread.join();
}

std::function<void(const std::string&)> Uplinks::waker() const
{
    std::weak_ptr<Impl> weak = impl_;
    return [weak](const std::string& charger_id) {
        if (auto impl = weak.lock()) {
            asio::post(impl->io, [impl, charger_id] {
                if (!impl->stopping && impl->db) {
                    try {
                        impl->on_wake(charger_id);
                    } catch (const std::exception& e) {
                        // The next commit or the send loop's own timer wakes it again.
                        spdlog::error("proxy: waking the links of {}: {}", charger_id, e.what());
                    }
                }
            });
        }
    };
}

void Uplinks::authorize(const std::string& partner, const std::string& charger_id, const std::string& id_tag,
                        std::function<void(AuthorizeDelegate::Decision)> done)
{
    asio::post(impl_->io, [impl = impl_, partner, charger_id, id_tag, done = std::move(done)]() mutable {
        impl->authorize(partner, charger_id, id_tag, std::move(done));
    });
}

void Uplinks::relay(const std::string& primary, const std::string& charger_id, const std::string& action,
                    std::string payload, std::function<void(RelayResult)> done)
{
    asio::post(impl_->io, [impl = impl_, primary, charger_id, action, payload = std::move(payload),
                           done = std::move(done)]() mutable {
        impl->relay(primary, charger_id, action, std::move(payload), std::move(done));
    });
}

std::vector<LinkState> Uplinks::states() const
{
    std::lock_guard lock(impl_->states_mutex);
    std::vector<LinkState> out;
    for (const auto& [key, state] : impl_->states) {
        out.push_back(state);
    }
    return out;
}

} // namespace csms::proxy
