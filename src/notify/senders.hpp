#pragma once
// Sends one delivery over its channel and says how it went. Blocking, bounded
// by the channel's timeout; runs on the dispatcher's sender thread only.
#include "base/clock.hpp"
#include "notify/config.hpp"
#include "store/notification_store.hpp"

#include <string>

namespace csms::notify {

struct SendResult {
    bool ok = false;
    bool permanent = false; // a retry cannot help (e.g. 4xx, SMTP 5xx)
    std::string error;      // for last_error: never holds a secret
};

SendResult send_delivery(const Channel& channel, const store::DueDelivery& delivery, const store::AlertEvent& event,
                         base::SysTime now);

// The SMS body: the channel's template with {to} and {text} filled in,
// escaped for its content type (JSON string content, or percent-encoding for
// application/x-www-form-urlencoded).
std::string sms_body(const Channel& channel, const std::string& to, const std::string& text);

} // namespace csms::notify
