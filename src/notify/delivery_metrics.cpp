#include "notify/delivery_metrics.hpp"

#include "notify/config.hpp"

namespace csms::notify {

DeliveryMetrics::DeliveryMetrics(base::Metrics* metrics)
{
    if (metrics == nullptr) {
        return;
    }
    using store::DeliveryStatus;
    auto add = [&](ChannelType type, std::initializer_list<DeliveryStatus> outcomes) {
        const std::string kind(to_string(type));
        for (auto status : outcomes) {
            settled_[{kind, status}] = &metrics->counter(
                "csms_notification_deliveries_total",
                "Notification deliveries settled, by channel kind and result (sent, failed for good, suppressed)",
                {{"kind", kind}, {"result", std::string(store::to_string(status))}});
        }
        if (type != ChannelType::inbox) {
            attempt_failures_[kind] =
                &metrics->counter("csms_notification_attempt_failures_total",
                                  "Notification delivery attempts that failed, whether retried or not, by channel kind",
                                  {{"kind", kind}});
        }
    };
    add(ChannelType::webhook, {DeliveryStatus::sent, DeliveryStatus::failed});
    add(ChannelType::email, {DeliveryStatus::sent, DeliveryStatus::failed, DeliveryStatus::suppressed});
    add(ChannelType::sms, {DeliveryStatus::sent, DeliveryStatus::failed, DeliveryStatus::suppressed});
    add(ChannelType::inbox, {DeliveryStatus::sent, DeliveryStatus::suppressed});
}

void DeliveryMetrics::settled(std::string_view channel_type, store::DeliveryStatus status)
{
    if (auto it = settled_.find(std::pair{std::string(channel_type), status}); it != settled_.end()) {
        it->second->inc();
    }
}

void DeliveryMetrics::attempt_failed(std::string_view channel_type)
{
    if (auto it = attempt_failures_.find(channel_type); it != attempt_failures_.end()) {
        it->second->inc();
    }
}

} // namespace csms::notify
