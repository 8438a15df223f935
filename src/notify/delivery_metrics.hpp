#pragma once
// The dispatcher's series: deliveries settled, by channel kind and outcome,
// and failed attempts (retried or not), by channel kind. Only the pairs that
// can happen are registered: an inbox row is stored, never sent over a
// network, so it neither fails nor retries; a webhook has no recipient to
// lack an address. Without a registry every call is a no-op.
#include "base/metrics.hpp"
#include "store/notification_store.hpp"

#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace csms::notify {

class DeliveryMetrics {
public:
    explicit DeliveryMetrics(base::Metrics* metrics);
    // A delivery reached a final state: sent, failed (for good) or suppressed.
    // channel_type is the delivery row's (webhook, email, sms, inbox).
    void settled(std::string_view channel_type, store::DeliveryStatus status);
    void attempt_failed(std::string_view channel_type);

private:
    std::map<std::pair<std::string, store::DeliveryStatus>, base::Counter*> settled_;
    std::map<std::string, base::Counter*, std::less<>> attempt_failures_;
};

} // namespace csms::notify
