#include "notify/dispatcher.hpp"

#include "notify/routing.hpp"
#include "notify/senders.hpp"
#include "store/time_column.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>
#include <set>
#include <strings.h>

namespace csms::notify {
namespace {

constexpr std::string_view cursor_name = "dispatcher";

bool same_name(const std::string& a, const std::string& b)
{
    return a.size() == b.size() && strncasecmp(a.c_str(), b.c_str(), a.size()) == 0; // names are NOCASE
}

AlertFacts facts_of(const store::AlertView& alert)
{
    return AlertFacts{alert.rule, alert.kind, parse_severity(alert.severity).value_or(Severity::warning), alert.region};
}

} // namespace

Dispatcher::Dispatcher(const std::string& db_path, std::shared_ptr<const NotificationConfig> config,
                       store::Writer& writer, const base::Clock& clock, Options options)
    : router_db_(db_path, true), sender_db_(db_path, true), writer_(writer), clock_(clock), options_(options),
      metrics_(options.metrics), config_(std::move(config)), router_("notify routing", options.poll_interval,
                                                                     [this] {
                                                                         bool behind = route_once();
                                                                         escalate_once();
                                                                         return behind;
                                                                     }),
      sender_("notify sending", options.poll_interval, [this] { return send_once() >= options_.batch; })
{
    if (auto stored = store::notification_cursor(router_db_, cursor_name)) {
        cursor_ = *stored;
        return;
    }
    // The first start: events from before notifications were configured
    // are history, not news. The starting point is stored at once, so what
    // happens from here on is delivered even if csmsd stops before routing it.
    cursor_ = store::newest_alert_event(router_db_);
    if (!commit([start = cursor_](store::Database& db) { store::set_notification_cursor(db, cursor_name, start); })) {
        throw std::runtime_error("notifications: could not store the dispatcher's starting point");
    }
}

Dispatcher::~Dispatcher()
{
    stop();
}

void Dispatcher::start()
{
    router_.start();
    sender_.start();
}

void Dispatcher::stop()
{
    router_.stop();
    sender_.stop();
}

void Dispatcher::set_config(std::shared_ptr<const NotificationConfig> config)
{
    std::lock_guard lock(config_mutex_);
    config_ = std::move(config);
}

std::shared_ptr<const NotificationConfig> Dispatcher::config() const
{
    std::lock_guard lock(config_mutex_);
    return config_;
}

bool Dispatcher::commit(std::function<void(store::Database&)> work)
{
    std::promise<bool> committed;
    auto result = committed.get_future();
    writer_.submit(std::move(work), [&committed](bool ok) { committed.set_value(ok); });
    return result.get();
}

std::vector<store::NewDelivery> Dispatcher::plan(const NotificationConfig& config,
                                                 const std::vector<store::Operator>& people,
                                                 const store::AlertEvent& event, base::SysTime now) const
{
    std::vector<store::NewDelivery> out;
    auto facts = facts_of(event.alert);
    auto add = [&](const Route& route, const Recipients& to) {
        auto release = release_time(route, facts.severity, now);
        std::vector<const store::Operator*> addressed;
        std::vector<std::string> unknown;
        for (const auto& person : people) {
            bool by_role = std::find(to.roles.begin(), to.roles.end(), person.role) != to.roles.end();
            bool by_name = std::any_of(to.operators.begin(), to.operators.end(),
                                       [&](const std::string& name) { return same_name(name, person.name); });
            if ((by_role || by_name) && !person.disabled_at) {
                addressed.push_back(&person);
            }
        }
        for (const auto& name : to.operators) {
            if (std::none_of(addressed.begin(), addressed.end(),
                             [&](const store::Operator* p) { return same_name(p->name, name); })) {
                unknown.push_back(name);
            }
        }
        for (const auto& channel_name : to.channels) {
            const auto* channel = config.channel(channel_name);
            if (channel == nullptr) {
                continue; // the parser refuses such a file
            }
            store::NewDelivery base_row;
            base_row.event_id = event.event_id;
            base_row.alert_id = event.alert.id;
            base_row.channel = channel->name;
            base_row.channel_type = std::string(to_string(channel->type));
            base_row.next_attempt_at = release;
            if (channel->type == ChannelType::webhook) {
                base_row.recipient = channel->name;
                out.push_back(base_row);
                continue;
            }
            for (const auto* person : addressed) {
                auto row = base_row;
                row.operator_id = person->operator_id;
                row.recipient = person->name;
                if (channel->type == ChannelType::inbox) {
                    row.status = store::DeliveryStatus::sent; // the row is the message
                    row.next_attempt_at.reset();
                } else {
                    const auto& address = channel->type == ChannelType::email ? person->email : person->mobile;
                    if (address) {
                        row.recipient = *address;
                    } else {
                        row.status = store::DeliveryStatus::suppressed;
                        row.next_attempt_at.reset();
                        row.last_error = "operator " + person->name + " has no " +
                                         (channel->type == ChannelType::email ? "e-mail address" : "mobile number");
                    }
                }
                out.push_back(std::move(row));
            }
            for (const auto& name : unknown) {
                auto row = base_row;
                row.recipient = name;
                row.status = store::DeliveryStatus::suppressed;
                row.next_attempt_at.reset();
                row.last_error = "no enabled operator named " + name;
                out.push_back(std::move(row));
            }
        }
    };
    if (event.event == "escalated") {
        for (const auto& route : config.routes) {
            if (event.route && route.name == *event.route && route.escalate_after) {
                add(route, route.escalate_to);
            }
        }
        return out;
    }
    for (const auto& route : config.routes) {
        if (route_matches(route, facts, event.event)) {
            add(route, route.to);
        }
    }
    return out;
}

bool Dispatcher::route_once()
{
    auto events = store::alert_events_after(router_db_, cursor_, options_.batch);
    if (events.empty()) {
        return false;
    }
    auto config = this->config();
    auto people = store::list_operators(router_db_);
    auto now = clock_.now_utc();
    std::vector<store::NewDelivery> deliveries;
    for (const auto& event : events) {
        auto planned = plan(*config, people, event, now);
        deliveries.insert(deliveries.end(), planned.begin(), planned.end());
    }
    auto last = events.back().event_id;
    // Inbox rows and suppressed ones are settled as they are routed.
    std::vector<std::pair<std::string, store::DeliveryStatus>> settled;
    for (const auto& d : deliveries) {
        if (d.status != store::DeliveryStatus::pending) {
            settled.emplace_back(d.channel_type, d.status);
        }
    }
    // The deliveries and the cursor commit together: a restart neither
    // loses an event nor routes it twice.
    bool ok = commit([deliveries = std::move(deliveries), last, now](store::Database& db) {
        for (const auto& d : deliveries) {
            store::insert_delivery(db, d, now);
        }
        store::set_notification_cursor(db, cursor_name, last);
    });
    if (!ok) {
        spdlog::error("notifications: could not store the deliveries of alert events up to {}", last);
        return false;
    }
    cursor_ = last;
    for (const auto& [type, status] : settled) {
        metrics_.settled(type, status);
    }
    return static_cast<int>(events.size()) >= options_.batch;
}

void Dispatcher::escalate_once()
{
    auto config = this->config();
    auto now = clock_.now_utc();
    std::vector<std::pair<std::int64_t, std::string>> due;
    for (const auto& route : config->routes) {
        if (!route.escalate_after) {
            continue;
        }
        auto raised_by = now - std::chrono::duration_cast<std::chrono::milliseconds>(*route.escalate_after);
        for (const auto& alert : store::alerts_to_escalate(router_db_, route.name, raised_by, 1000)) {
            if (route_matches(route, facts_of(alert), "opened")) {
                due.emplace_back(alert.id, route.name);
            }
        }
    }
    if (due.empty()) {
        return;
    }
    commit([due, now](store::Database& db) {
        for (const auto& [alert_id, route] : due) {
            if (store::add_escalation_event(db, alert_id, route, now)) {
                spdlog::info("notifications: alert {} escalated by route {}", alert_id, route);
            }
        }
    });
}

int Dispatcher::send_once()
{
    auto config = this->config();
    auto due = store::due_deliveries(sender_db_, clock_.now_utc(), options_.batch);
    std::set<std::string> failing; // one timeout per dead channel and pass, not one per delivery
    int attempted = 0;
    for (const auto& delivery : due) {
        if (sender_.stopping()) {
            break; // shutting down: the rest stay pending for the next start
        }
        if (failing.count(delivery.channel) != 0) {
            continue;
        }
        SendResult result;
        const auto* channel = config->channel(delivery.channel);
        auto event = store::find_alert_event(sender_db_, delivery.event_id);
        auto now = clock_.now_utc();
        if (channel == nullptr || to_string(channel->type) != delivery.channel_type) {
            result = {false, true, "channel " + delivery.channel + " is no longer configured"};
        } else if (!event) {
            result = {false, true, "the alert event is gone"};
        } else {
            result = send_delivery(*channel, delivery, *event, now);
        }
        ++attempted;
        int attempts = delivery.attempts + 1;
        std::optional<base::SysTime> retry_at;
        if (!result.ok && !result.permanent && attempts < config->delivery.max_attempts) {
            retry_at = clock_.now_utc() + retry_delay(config->delivery, attempts);
            failing.insert(delivery.channel);
        }
        if (result.ok) {
            metrics_.settled(delivery.channel_type, store::DeliveryStatus::sent);
            spdlog::info("notifications: delivery {} ({} {}) sent", delivery.delivery_id, delivery.channel_type,
                         delivery.channel);
        } else {
            metrics_.attempt_failed(delivery.channel_type);
            if (!retry_at) {
                metrics_.settled(delivery.channel_type, store::DeliveryStatus::failed);
            }
            spdlog::warn("notifications: delivery {} ({} {}) attempt {} failed{}: {}", delivery.delivery_id,
                         delivery.channel_type, delivery.channel, attempts, retry_at ? "" : " for good", result.error);
        }
        auto id = delivery.delivery_id;
        auto sent_at = clock_.now_utc();
        commit([id, result, retry_at, sent_at](store::Database& db) {
            if (result.ok) {
                store::mark_delivery_sent(db, id, sent_at);
            } else {
                store::mark_delivery_failed(db, id, result.error, retry_at);
            }
        });
    }
    return attempted;
}

} // namespace csms::notify
