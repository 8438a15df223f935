// A link's health as operators see it: one warning when it goes down and
// one info line when it is back, never one per retry, so a long outage does
// not flood the log; csms_partner_link_up (1 or 0, one series per link);
// and a partner_link_down alert once it has been down for its partner's
// alert_after, cleared when it is back (notification routes take it like
// any alert).
#include "base/time_format.hpp"
#include "csms/command_redaction.hpp"
#include "proxy/uplink_link.hpp"
#include "store/link_alert_store.hpp"

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <optional>

namespace csms::proxy {
namespace {

constexpr const char* up_metric = "csms_partner_link_up";

base::Labels link_labels(const std::string& partner, const std::string& charger_id)
{
    return {{"partner", partner}, {"charger", charger_id}};
}

// "45 s", "12 min", "3 h 5 min": how long an outage lasted.
std::string duration_text(std::chrono::steady_clock::duration d)
{
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
    if (s < 120) {
        return fmt::format("{} s", s);
    }
    if (s < 7200) {
        return fmt::format("{} min", s / 60);
    }
    return fmt::format("{} h {} min", s / 3600, s % 3600 / 60);
}

} // namespace

void Uplinks::Impl::Link::start_health()
{
    up_gauge = &impl.metrics.gauge(up_metric, "1 while a partner link is connected, 0 while it is down",
                                   link_labels(partner.name, charger_id));
    up_gauge->set(0);
    down_since = std::chrono::steady_clock::now();
    down_since_utc = impl.clock.now_utc();
    // Not connected yet counts as down: a link that never connects alerts too.
    raise_down_alert_later();
}

void Uplinks::Impl::Link::raise_down_alert_later()
{
    if (partner.alert_after.count() <= 0) {
        return;
    }
    alert_timer.expires_at(down_since + partner.alert_after);
    alert_timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (!ec) {
            self->raise_down_alert();
        }
    });
}

void Uplinks::Impl::Link::mark_up()
{
    if (retired) {
        return;
    }
    up = true;
    up_gauge->set(1);
    alert_timer.cancel();
    if (down_logged) {
        spdlog::info("proxy: partner '{}' link for {} is up again after {} down", partner.name, charger_id,
                     duration_text(std::chrono::steady_clock::now() - down_since));
    } else {
        spdlog::info("proxy: partner '{}' link for {} connected", partner.name, charger_id);
    }
    down_logged = false;
    last_failure.clear();
    if (alert_may_be_open) {
        clear_down_alert();
    }
}

void Uplinks::Impl::Link::mark_down(const std::string& reason)
{
    if (retired || impl.stopping) {
        return;
    }
    last_failure = reason;
    if (up) {
        up = false;
        up_gauge->set(0);
        down_since = std::chrono::steady_clock::now();
        down_since_utc = impl.clock.now_utc();
        raise_down_alert_later();
    }
    if (down_logged) {
        spdlog::debug("proxy: partner '{}' link for {} still down: {}", partner.name, charger_id, reason);
        return;
    }
    down_logged = true;
    // The url never holds credentials (the partners file refuses them); it
    // goes through the same redaction as a command's url all the same.
    spdlog::warn("proxy: partner '{}' link for {} to {} is down: {}; retrying with back-off{}", partner.name,
                 charger_id, without_url_credentials(partner.url), reason,
                 partner.alert_after.count() > 0
                     ? fmt::format(", an alert after {}", duration_text(partner.alert_after))
                     : std::string());
}

void Uplinks::Impl::Link::raise_down_alert()
{
    if (up || retired || impl.stopping) {
        return;
    }
    alert_may_be_open = true;
    const auto message =
        fmt::format("partner '{}' link for {} has been down since {}: {}", partner.name, charger_id,
                    base::format_date_time(down_since_utc), last_failure.empty() ? "not connected yet" : last_failure);
    spdlog::warn("proxy: partner '{}' link for {} down for {}: alert {} raised", partner.name, charger_id,
                 duration_text(std::chrono::steady_clock::now() - down_since), store::link_down_kind);
    impl.writer.submit([partner_name = partner.name, charger = charger_id, message, now = impl.clock.now_utc()](
                           store::Database& w) { store::open_link_down_alert(w, partner_name, charger, message, now); },
                       [](bool) {});
}

void Uplinks::Impl::Link::clear_down_alert()
{
    alert_may_be_open = false;
    impl.writer.submit([partner_name = partner.name, charger = charger_id, now = impl.clock.now_utc()](
                           store::Database& w) { store::clear_link_down_alert(w, partner_name, charger, now); },
                       [](bool) {});
}

void Uplinks::Impl::Link::forget_health()
{
    alert_timer.cancel();
    // A link of this key that replaces it registers the series again.
    impl.metrics.remove_gauge(up_metric, link_labels(partner.name, charger_id));
    up_gauge = nullptr;
    if (alert_may_be_open) {
        clear_down_alert(); // its replacement, if any, alerts after its own wait
    }
}

void Uplinks::Impl::clear_alerts_of_gone_partners()
{
    // A link is gone when its partner is, or when the partner chooses its
    // chargers by id only and no longer lists the charger. A partner that
    // chooses by region keeps its alerts: its links start when a charger
    // of the region connects, and clear then.
    std::map<std::string, std::optional<std::vector<std::string>>> listed; // by partner; nullopt: by region too
    for (const auto& p : partners.current().partners) {
        listed[p.name] = p.regions.empty() ? std::optional(p.chargers) : std::nullopt;
    }
    writer.submit(
        [listed = std::move(listed), now = clock.now_utc()](store::Database& w) {
            for (const auto& link : store::links_with_down_alert(w)) {
                auto partner = listed.find(link.partner);
                bool gone = partner == listed.end() ||
                            (partner->second &&
                             !std::binary_search(partner->second->begin(), partner->second->end(), link.charger_id));
                if (gone) {
                    store::clear_link_down_alert(w, link.partner, link.charger_id, now);
                }
            }
        },
        [](bool) {});
}

} // namespace csms::proxy
