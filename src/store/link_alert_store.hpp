#pragma once
// The partner_link_down alert: one per partner link (its charger_id, and
// source_ref "proxy_links:PARTNER" as the proxy's other alerts), raised by
// the uplinks once a link has been down for its partner's alert_after_s and
// cleared when the link is back. It has no rule, so the rules' one-active
// index does not cover it: these functions keep it to one not cleared per
// link. Writes run on the writer thread.
#include "base/clock.hpp"
#include "store/database.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace csms::store {

inline constexpr std::string_view link_down_kind = "partner_link_down";

// Opens the link's alert (severity warning) unless one is open or
// acknowledged; true when it opened one.
bool open_link_down_alert(Database& db, const std::string& partner, const std::string& charger_id,
                          const std::string& message, base::SysTime at);

// The link's open or acknowledged alert becomes cleared; false when none.
bool clear_link_down_alert(Database& db, const std::string& partner, const std::string& charger_id, base::SysTime at);

struct DownLink {
    std::string partner, charger_id;
};
// The links whose alert is open or acknowledged.
std::vector<DownLink> links_with_down_alert(Database& db);

} // namespace csms::store
