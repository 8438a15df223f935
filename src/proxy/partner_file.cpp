#include "proxy/partner_file.hpp"

#include "base/region_path.hpp"
#include "base/toml_fields.hpp"
#include "proxy/ocpp_actions.hpp"
#include "proxy/relay_policy.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <sstream>

namespace csms::proxy {
namespace {

using base::in_quotes;
using base::TableReader;

bool contains(std::span<const std::string_view> list, std::string_view word)
{
    return std::find(list.begin(), list.end(), word) != list.end();
}

std::vector<std::string> action_list(const TableReader& r, std::string_view key,
                                     std::span<const std::string_view> known, std::string_view direction)
{
    return r.strings(key, [&](const std::string& action) {
        return contains(known, action)
                   ? std::string()
                   : "is not an OCPP 1.6 action " + std::string(direction) + base::suggestion(action, known);
    });
}

// An authorize_tags prefix of an earlier partner; a tag matching two
// partners' prefixes would have no single answerer.
struct TagOwner {
    std::string prefix; // as written
    std::string partner;
};

// A tag matches both prefixes exactly when one starts the other.
bool overlaps(std::string_view a, std::string_view b)
{
    auto n = std::min(a.size(), b.size());
    return std::equal(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n), b.begin(),
                      [](char x, char y) { return same_letter(x, y); });
}

std::vector<std::string> authorize_tags(const TableReader& r, const std::string& partner, std::vector<TagOwner>& owners)
{
    auto tags = r.strings("authorize_tags", [&](const std::string& prefix) {
        if (prefix.size() > 20) {
            return std::string("is longer than an id tag (20 characters)");
        }
        for (const auto& owner : owners) {
            if (owner.partner != partner && overlaps(owner.prefix, prefix)) {
                return "overlaps " + in_quotes(owner.prefix) + " of partner " + in_quotes(owner.partner) +
                       ": a tag would match both";
            }
        }
        return std::string();
    });
    for (const auto& prefix : tags) {
        owners.push_back(TagOwner{prefix, partner});
    }
    return tags;
}

// What a primary backend has no use for: it gets every CALL of its chargers
// live (no forward list, no buffer), answers every Authorize itself, and
// its chargers are named one by one, so whether a charger is relayed is
// known before its first message without reading the database.
void refuse_for_primary(const TableReader& r)
{
    constexpr std::pair<std::string_view, std::string_view> keys[] = {
        {"regions", "a primary backend's chargers are listed by id in chargers"},
        {"forward", "a primary backend gets every message of its chargers: remove forward"},
        {"buffer_limit", "a primary backend has no buffer: its chargers' messages go to it live"},
        {"authorize_tags", "a primary backend answers every Authorize of its chargers: remove authorize_tags"},
        {"authorize_timeout_s", "a primary backend answers every Authorize within call_timeout_s"},
        {"authorize_fallback", "a charger whose primary does not answer gets a CALLERROR, not a fallback"},
    };
    for (const auto& [key, why] : keys) {
        if (r.has(key)) {
            r.fail_at(key, std::string(why));
        }
    }
}

Partner read_partner(const toml::table& table, const std::string& source, std::size_t index,
                     std::map<std::string, int>& names, std::vector<TagOwner>& tag_owners,
                     std::map<std::string, std::string>& primaries)
{
    TableReader r(table, source, "partner #" + std::to_string(index));
    r.check_keys({"name", "url", "user", "password_file", "ca", "client_cert", "client_key", "chargers", "regions",
                  "forward", "accept", "rate_per_minute", "buffer_limit", "call_timeout_s", "authorize_tags",
                  "authorize_timeout_s", "authorize_fallback", "primary", "alert_after_s"},
                 base::KeyHint::did_you_mean);
    Partner p;
    p.name = r.required_text("name");
    if (!base::valid_name(p.name)) {
        r.fail_at("name", "name " + in_quotes(p.name) + " must be 1 to 64 of A-Z a-z 0-9 _ . -");
    }
    if (auto [it, fresh] = names.emplace(p.name, r.line()); !fresh) {
        r.fail_at("name", "partner " + in_quotes(p.name) + " is already defined at line " + std::to_string(it->second));
    }
    r.rename("partner " + in_quotes(p.name));

    p.url = r.required_text("url");
    if (auto problem = parse_partner_url(p.url, p.endpoint); !problem.empty()) {
        r.fail_at("url", "url " + in_quotes(p.url) + " " + problem);
    }

    p.user = r.text("user").value_or("");
    p.password_file = r.text("password_file").value_or("");
    if (p.user.empty() != p.password_file.empty()) {
        r.fail_at(p.user.empty() ? "password_file" : "user", "user and password_file go together (Basic auth)");
    }
    if (p.user.find(':') != std::string::npos) {
        r.fail_at("user", "user must not contain ':' (Basic auth)");
    }
    p.ca_file = r.text("ca").value_or("");
    p.client_cert = r.text("client_cert").value_or("");
    p.client_key = r.text("client_key").value_or("");
    if (p.client_cert.empty() != p.client_key.empty()) {
        r.fail_at(p.client_cert.empty() ? "client_key" : "client_cert", "client_cert and client_key go together");
    }
    if (!p.endpoint.tls) {
        for (std::string_view key : {"ca", "client_cert", "client_key"}) {
            if (r.has(key)) {
                r.fail_at(key, std::string(key) + " needs a wss:// url");
            }
        }
    }
    p.primary = r.boolean("primary").value_or(false);
    if (p.primary) {
        refuse_for_primary(r);
    }
    p.chargers = r.strings("chargers", [&](const std::string& charger) {
        if (!p.primary) {
            return std::string();
        }
        auto [it, fresh] = primaries.emplace(charger, p.name);
        return fresh || it->second == p.name
                   ? std::string()
                   : "already has partner " + in_quotes(it->second) + " as its primary backend";
    });
    p.regions = r.strings("regions", [](const std::string& region) {
        return base::normalized_region(region).empty()
                   ? std::string("is not a region path such as \"Guangdong/Shenzhen\"")
                   : std::string();
    });
    for (auto& region : p.regions) {
        region = base::normalized_region(region);
    }
    // Sorted, each once: covers() looks a charger up by binary search.
    std::sort(p.chargers.begin(), p.chargers.end());
    p.chargers.erase(std::unique(p.chargers.begin(), p.chargers.end()), p.chargers.end());
    if (p.primary && p.chargers.empty()) {
        r.fail_at("chargers", "a primary backend needs its chargers listed by id");
    }
    if (p.chargers.empty() && p.regions.empty()) {
        r.fail_at("chargers", "give chargers and/or regions: a partner sees only the chargers chosen for it");
    }

    if (p.primary) {
        // It gets every CALL of its chargers live, not a copy.
    } else if (const toml::node* forward = table.get("forward"); forward != nullptr && forward->is_string()) {
        if (forward->value<std::string>() != "all") {
            r.fail(base::line_of(*forward), "forward must be \"all\" or a list of charger-initiated actions");
        }
        p.forward_all = true;
    } else {
        p.forward = action_list(r, "forward", charger_actions, "sent by a charger");
        if (p.forward.empty()) {
            r.fail_at("forward", "missing forward: \"all\" or a list such as [\"BootNotification\", "
                                 "\"StatusNotification\", \"StartTransaction\", \"StopTransaction\"]");
        }
    }
    if (const toml::node* accept = table.get("accept"); accept != nullptr && accept->is_string()) {
        if (accept->value<std::string>() != "all") {
            r.fail(base::line_of(*accept),
                   "accept must be \"all\" or a list of actions a partner may send to a charger");
        }
        p.accept.assign(std::begin(central_actions), std::end(central_actions));
    } else if (p.primary && !r.has("accept")) {
        p.accept.assign(std::begin(central_actions), std::end(central_actions));
    } else {
        p.accept = action_list(r, "accept", central_actions, "a partner may send to a charger");
    }
    p.rate_per_minute = r.integer("rate_per_minute", 1, 6000).value_or(p.primary ? 120 : p.rate_per_minute);
    p.buffer_limit = r.integer("buffer_limit", 1, 10'000'000).value_or(p.buffer_limit);
    p.call_timeout =
        r.seconds("call_timeout_s", 1, 600).value_or(p.primary ? std::chrono::seconds(10) : p.call_timeout);
    p.alert_after = r.seconds("alert_after_s", 0, 7 * 24 * 3600).value_or(p.alert_after);
    p.authorize_tags = authorize_tags(r, p.name, tag_owners);
    p.authorize_timeout = r.seconds("authorize_timeout_s", 1, 30).value_or(p.authorize_timeout);
    p.authorize_fallback = r.text("authorize_fallback").value_or(p.authorize_fallback);
    if (p.authorize_fallback != "Invalid" && p.authorize_fallback != "Accepted") {
        r.fail_at("authorize_fallback", "authorize_fallback must be \"Invalid\" or \"Accepted\"");
    }

    if (!p.password_file.empty()) {
        p.password = r.password_from_file("password_file", p.password_file);
    }
    return p;
}

PartnerSet parse(std::string_view toml_text, const std::string& source)
{
    toml::table root = base::parse_toml(toml_text, source);
    constexpr std::string_view top_keys[] = {"partner"};
    base::check_top_level_keys(root, source, top_keys, "each partner is a [[partner]] table");
    PartnerSet set;
    std::map<std::string, int> names;
    std::vector<TagOwner> tag_owners;
    std::map<std::string, std::string> primaries; // charger -> its primary backend
    if (const auto* partners = base::table_array(root, "partner", source)) {
        for (std::size_t i = 0; i < partners->size(); ++i) {
            set.partners.push_back(
                read_partner(*partners->get(i)->as_table(), source, i + 1, names, tag_owners, primaries));
        }
    }
    return set;
}

} // namespace

std::string parse_partner_url(std::string_view url, PartnerUrl& out)
{
    PartnerUrl u;
    std::string_view rest;
    if (url.starts_with("ws://")) {
        rest = url.substr(5);
    } else if (url.starts_with("wss://")) {
        u.tls = true;
        rest = url.substr(6);
    } else {
        return "must start with ws:// or wss://";
    }
    auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    if (authority.find('@') != std::string_view::npos) {
        return "must not hold credentials: use user and password_file";
    }
    if (path.find_first_of("?#") != std::string_view::npos) {
        return "must not have a query or fragment (the charger id is appended to its path)";
    }
    std::string_view host = authority;
    u.port = u.tls ? 443 : 80;
    auto bracket = authority.find(']');
    if (auto colon = authority.rfind(':');
        colon != std::string_view::npos && (bracket == std::string_view::npos || bracket < colon)) {
        host = authority.substr(0, colon);
        auto port_text = authority.substr(colon + 1);
        unsigned port = 0;
        auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
            return "has a bad port";
        }
        u.port = static_cast<std::uint16_t>(port);
    }
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (host.empty()) {
        return "has no host";
    }
    u.host = std::string(host);
    while (!path.empty() && path.back() == '/') {
        path.remove_suffix(1);
    }
    u.path = std::string(path);
    out = std::move(u);
    return "";
}

PartnerSet parse_partners(std::string_view toml_text, const std::string& source_name)
{
    try {
        return parse(toml_text, source_name);
    } catch (const base::TomlFileError& e) {
        throw PartnerFileError(e.what());
    }
}

PartnerSet load_partner_file(const std::string& path)
{
    std::string text;
    try {
        text = base::read_toml_file(path, "the partners file");
    } catch (const base::TomlFileError& e) {
        throw PartnerFileError(e.what());
    }
    return parse_partners(text, path);
}

} // namespace csms::proxy
