#pragma once
// The notifications file as parsed (format in docs/notifications.md):
// channels that can carry a message and routes that say which alert events
// go to whom over which channels. Plain values: a NotificationConfig is
// immutable once parsed and is shared between threads as a
// shared_ptr<const NotificationConfig>; the dispatcher swaps whole configs.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csms::notify {

enum class ChannelType { webhook, email, sms, inbox };
std::string_view to_string(ChannelType type);

// "http://host:port/path" or "https://...". Over https the server's
// certificate must chain to ca_file (a PEM bundle), or to the system's trust
// store when it is empty, and name host.
struct HttpTarget {
    bool tls = false;
    std::string host;
    std::string port = "80";
    std::string path = "/";
    std::string ca_file;
};

// How the SMTP relay is spoken to: in plain text, upgraded with STARTTLS
// (usually port 587) or in TLS from the first byte (implicit, usually 465).
enum class SmtpTls { none, starttls, implicit };
std::optional<SmtpTls> parse_smtp_tls(std::string_view text);

struct SmtpRelay {
    std::string host;
    std::string port = "25";
    SmtpTls tls = SmtpTls::none;
    std::string ca_file;  // as HttpTarget's
    std::string username; // "" = no AUTH
    // Read from password_file or password_env when the file is parsed, never
    // written in it; never logged nor shown.
    std::string password;
    std::string auth_mechanism;          // "PLAIN", "LOGIN", or "" = PLAIN when offered, else LOGIN
    bool allow_auth_without_tls = false; // a relay on the same host; refused unless said
};

struct Channel {
    std::string name;
    ChannelType type = ChannelType::inbox;
    std::chrono::milliseconds timeout{10'000}; // a whole attempt: connect, send, answer
    // webhook
    std::string url;
    HttpTarget target;  // webhook and sms
    std::string secret; // HMAC-SHA256 key for X-CSMS-Signature; never logged nor shown
    // email
    SmtpRelay smtp;
    std::string from;
    // sms
    std::string body_template; // with {to} and {text}
    std::string content_type = "application/json";
    std::string api_key_header; // optional: the header that carries api_key
    std::string api_key;        // never logged nor shown

    bool addresses_people() const { return type != ChannelType::webhook; }
};

enum class Severity { info, warning, critical };
std::optional<Severity> parse_severity(std::string_view text);

// A daily local-time window [start, end) in minutes after midnight; end <
// start wraps past midnight. utc_offset is fixed (time zone names with DST
// are not read yet; see docs).
struct QuietHours {
    int start_minute = 0;
    int end_minute = 0;
    std::chrono::minutes utc_offset{0};
};

struct Recipients {
    std::vector<std::string> roles;
    std::vector<std::string> operators;
    std::vector<std::string> channels; // names of [[channel]]s; webhooks need no people
};

struct Route {
    std::string name;
    Severity min_severity = Severity::info;
    std::vector<std::string> rules;   // empty: any rule, and alerts without one
    std::vector<std::string> kinds;   // empty: any kind
    std::vector<std::string> regions; // chargers' regions; a charger without one matches no route that lists regions
    std::vector<std::string> events{"opened", "acknowledged", "cleared"};
    Recipients to;
    std::optional<QuietHours> quiet_hours;
    std::optional<std::chrono::seconds> escalate_after;
    Recipients escalate_to;
    int line = 0;
};

// Retries: the n-th failed attempt waits min(retry_max, retry_min * 2^(n-1));
// after max_attempts the delivery is failed for good.
struct DeliveryPolicy {
    std::chrono::milliseconds retry_min{30'000};
    std::chrono::milliseconds retry_max{3'600'000};
    int max_attempts = 10;
};

struct NotificationConfig {
    std::vector<Channel> channels;
    std::vector<Route> routes;
    DeliveryPolicy delivery;
    std::string source;

    const Channel* channel(std::string_view name) const;
};

} // namespace csms::notify
