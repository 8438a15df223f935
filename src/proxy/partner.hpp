#pragma once
// One integration partner as the partners file describes it: where its
// backend is, the credentials csmsd presents to it (its own for this link,
// never a charger's), which chargers and actions it sees and which of its
// calls may reach a charger. Plain data; docs/proxy.md shows the file.
#include "base/published.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace csms::proxy {

// "wss://partner.example:9443/ocpp" split up; the charger id is appended as
// the last path segment ("/ocpp/CP-1").
struct PartnerUrl {
    bool tls = false;
    std::string host;
    std::uint16_t port = 0;
    std::string path; // without a trailing '/'; "" for the root
    std::string target(const std::string& charger_id) const { return path + "/" + charger_id; }
    bool operator==(const PartnerUrl&) const = default;
};

struct Partner {
    std::string name;
    std::string url; // as written, for messages; never holds credentials
    PartnerUrl endpoint;

    // Basic auth for the link: user plus a password read from password_file
    // at load time. Both or neither. The password is never logged.
    std::string user;
    std::string password_file;
    std::string password;
    // TLS (wss only): the partner's certificate is checked against ca_file;
    // client_cert/client_key, when set, identify csmsd to the partner.
    std::string ca_file, client_cert, client_key;

    // Migration mode: this partner is the primary backend of its chargers
    // (listed by id only). Every CALL of theirs goes to it first and they
    // get its answers; csmsd still stores everything. A primary has no
    // forward list, buffer or Authorize delegation: it gets everything live.
    bool primary = false;

    // Which chargers: listed ids (sorted, each once) and/or region paths
    // (base::region_contains).
    std::vector<std::string> chargers;
    std::vector<std::string> regions;

    // Charger-initiated actions copied to the partner; forward_all = "all".
    bool forward_all = false;
    std::vector<std::string> forward;
    // Partner-initiated actions that may reach a charger; none by default,
    // every one (but certificate management) for a primary.
    std::vector<std::string> accept;

    int rate_per_minute = 10;  // accepted partner calls per charger per minute
    int buffer_limit = 10'000; // queued messages per charger before the oldest are dropped
    std::chrono::milliseconds call_timeout{std::chrono::seconds(30)};
    // A link down this long raises a partner_link_down alert, cleared when it
    // is back; zero: never. Shorter outages show in the log and the gauge.
    std::chrono::milliseconds alert_after{std::chrono::minutes(5)};

    // Authorize delegation: id tags starting with one of these prefixes (case
    // ignored, as OCPP compares CiString20 tags) are this partner's customers,
    // and an Authorize for one from a charger it covers is answered by the
    // partner. Empty: no delegation. When it does not answer within
    // authorize_timeout, the link is down or it answers with a CALLERROR, the
    // charger gets authorize_fallback (Invalid or Accepted).
    std::vector<std::string> authorize_tags;
    std::chrono::milliseconds authorize_timeout{std::chrono::seconds(3)};
    std::string authorize_fallback = "Invalid";

    // A reload keeps a partner's links only when nothing in it changed.
    bool operator==(const Partner&) const = default;
};

struct PartnerSet {
    std::vector<Partner> partners;
};

// The partners in force, replaced as a whole when the file is reloaded.
using Partners = base::Published<PartnerSet>;

} // namespace csms::proxy
