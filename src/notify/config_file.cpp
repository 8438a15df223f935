#include "notify/config_file.hpp"

#include "store/operator_store.hpp"

#include "base/concat.hpp"
#include "base/toml_fields.hpp"
#include "notify/tls_client.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>

namespace csms::notify {
namespace {

using base::in_quotes;
using base::line_of;
using base::one_of;
using base::TableReader;
using base::valid_name;

// "http[s]://host[:port][/path]" -> target; "" or a reason.
std::string parse_http_url(const std::string& url, HttpTarget& target)
{
    std::string_view rest;
    if (url.rfind("https://", 0) == 0) {
        target.tls = true;
        target.port = "443";
        rest = std::string_view(url).substr(8);
    } else if (url.rfind("http://", 0) == 0) {
        rest = std::string_view(url).substr(7);
    } else {
        return "must start with http:// or https://";
    }
    auto slash = rest.find('/');
    auto authority = rest.substr(0, slash);
    target.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    if (authority.empty() || authority.find('@') != std::string_view::npos) {
        return "must name a host (and no user:password)";
    }
    if (std::any_of(url.begin(), url.end(), [](char c) { return static_cast<unsigned char>(c) <= ' '; })) {
        return "must not contain blanks";
    }
    auto colon = authority.rfind(':');
    if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
        target.host = std::string(authority.substr(0, colon));
        target.port = std::string(authority.substr(colon + 1));
    } else {
        target.host = std::string(authority);
    }
    if (target.host.size() > 2 && target.host.front() == '[' && target.host.back() == ']') {
        target.host = target.host.substr(1, target.host.size() - 2);
    }
    if (target.port.empty() || target.port.size() > 5 ||
        !std::all_of(target.port.begin(), target.port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(target.port) > 65535) {
        return "has a bad port";
    }
    return "";
}

// "HH:MM" -> minutes after midnight.
std::optional<int> parse_clock_time(std::string_view text)
{
    if (text.size() != 5 || text[2] != ':' || !std::isdigit(static_cast<unsigned char>(text[0])) ||
        !std::isdigit(static_cast<unsigned char>(text[1])) || !std::isdigit(static_cast<unsigned char>(text[3])) ||
        !std::isdigit(static_cast<unsigned char>(text[4]))) {
        return std::nullopt;
    }
    int hours = (text[0] - '0') * 10 + (text[1] - '0');
    int minutes = (text[3] - '0') * 10 + (text[4] - '0');
    if (hours > 23 || minutes > 59) {
        return std::nullopt;
    }
    return hours * 60 + minutes;
}

// "UTC", "Z", "+08:00", "-05:30" -> offset east of UTC.
std::optional<std::chrono::minutes> parse_utc_offset(std::string_view text)
{
    if (text == "UTC" || text == "Z") {
        return std::chrono::minutes{0};
    }
    if (text.size() != 6 || (text[0] != '+' && text[0] != '-')) {
        return std::nullopt;
    }
    auto minutes = parse_clock_time(text.substr(1));
    if (!minutes || *minutes > 14 * 60) {
        return std::nullopt;
    }
    return std::chrono::minutes{text[0] == '-' ? -*minutes : *minutes};
}

// The CA file a TLS server's certificate must chain to.
std::string read_ca(const TableReader& r)
{
    auto path = r.required_text("ca");
    if (auto problem = ca_file_problem(path); !problem.empty()) {
        r.fail_at("ca", base::concat("ca ", in_quotes(path), " cannot be used: ", problem));
    }
    return path;
}

// The value of csmsd's environment variable `name`; no message repeats it.
std::string read_password_env(const TableReader& r, const std::string& name)
{
    bool valid = !std::isdigit(static_cast<unsigned char>(name[0])) &&
                 std::all_of(name.begin(), name.end(),
                             [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; });
    if (!valid) {
        r.fail_at("password_env",
                  base::concat("password_env ", in_quotes(name), " must be the name of an environment variable"));
    }
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0') {
        r.fail_at("password_env", base::concat("password_env ", in_quotes(name), " is not set in csmsd's environment"));
    }
    return value;
}

// tls, ca and AUTH of an e-mail channel's relay.
void read_relay_security(const TableReader& r, SmtpRelay& relay)
{
    if (auto tls = r.text("tls")) {
        auto parsed = parse_smtp_tls(*tls);
        if (!parsed) {
            r.fail_at("tls", base::concat("tls ", in_quotes(*tls), " is not none, starttls or implicit"));
        }
        relay.tls = *parsed;
    }
    if (r.has("ca")) {
        if (relay.tls == SmtpTls::none) {
            r.fail_at("ca", "ca needs tls = \"starttls\" or \"implicit\"");
        }
        relay.ca_file = read_ca(r);
    }
    relay.username = r.text("user").value_or("");
    bool from_file = r.has("password_file");
    bool from_env = r.has("password_env");
    if (from_file && from_env) {
        r.fail_at("password_env", "give password_file or password_env, not both");
    }
    if (relay.username.empty() == (from_file || from_env)) {
        r.fail_at(relay.username.empty() ? (from_file ? "password_file" : "password_env") : "user",
                  "user goes with password_file or password_env (SMTP AUTH; the password is never written here)");
    }
    if (std::any_of(relay.username.begin(), relay.username.end(),
                    [](char ch) { return static_cast<unsigned char>(ch) < ' '; })) {
        r.fail_at("user", "user must not contain control characters");
    }
    if (auto auth = r.text("auth")) {
        if (relay.username.empty()) {
            r.fail_at("auth", "auth needs user");
        }
        if (*auth != "plain" && *auth != "login") {
            r.fail_at("auth", base::concat("auth ", in_quotes(*auth), " is not plain or login"));
        }
        relay.auth_mechanism = *auth == "plain" ? "PLAIN" : "LOGIN";
    }
    relay.allow_auth_without_tls = r.boolean("allow_auth_without_tls").value_or(false);
    if (!relay.username.empty() && relay.tls == SmtpTls::none && !relay.allow_auth_without_tls) {
        r.fail_at("user", "AUTH would send the password in plain text: set tls = \"starttls\" or \"implicit\" (or "
                          "allow_auth_without_tls = true for a relay on this host)");
    }
    if (from_file) {
        relay.password = r.password_from_file("password_file", r.required_text("password_file"));
    } else if (from_env) {
        relay.password = read_password_env(r, r.required_text("password_env"));
    }
}

const std::vector<std::string_view> channel_types{"webhook", "email", "sms", "inbox"};
const std::vector<std::string_view> event_names{"opened", "acknowledged", "cleared"};

Channel read_channel(const toml::table& table, const std::string& source, std::size_t index)
{
    TableReader r(table, source, "channel #" + std::to_string(index));
    Channel c;
    c.name = r.required_text("name");
    if (!valid_name(c.name)) {
        r.fail_at("name", "name " + in_quotes(c.name) + " must be 1 to 64 of the characters A-Z a-z 0-9 _ . -");
    }
    r.rename("channel " + in_quotes(c.name));
    auto type = r.required_text("type");
    if (type == "webhook") {
        c.type = ChannelType::webhook;
        r.check_keys({"name", "type", "url", "ca", "secret", "timeout_s"});
    } else if (type == "email") {
        c.type = ChannelType::email;
        if (r.has("starttls")) {
            r.fail_at("starttls", "starttls is written tls = \"starttls\" (or \"implicit\", or \"none\")");
        }
        if (r.has("password")) {
            r.fail_at("password", "the password is not written in this file: give password_file or password_env");
        }
        r.check_keys({"name", "type", "smtp", "from", "tls", "ca", "user", "password_file", "password_env", "auth",
                      "allow_auth_without_tls", "timeout_s"});
    } else if (type == "sms") {
        c.type = ChannelType::sms;
        r.check_keys({"name", "type", "url", "ca", "body", "content_type", "api_key_header", "api_key", "timeout_s"});
    } else if (type == "inbox") {
        c.type = ChannelType::inbox;
        r.check_keys({"name", "type"});
    } else {
        r.fail_at("type", "type " + in_quotes(type) + " is not one of " + one_of(channel_types));
    }
    c.timeout = r.seconds("timeout_s", 0.1, 300).value_or(c.timeout);
    if (c.type == ChannelType::webhook || c.type == ChannelType::sms) {
        c.url = r.required_text("url");
        if (auto problem = parse_http_url(c.url, c.target); !problem.empty()) {
            r.fail_at("url", "url " + problem);
        }
        if (r.has("ca")) {
            if (!c.target.tls) {
                r.fail_at("ca", "ca is for an https:// url");
            }
            c.target.ca_file = read_ca(r);
        }
    }
    if (c.type == ChannelType::webhook) {
        c.secret = r.required_text("secret");
        if (c.secret.size() < 16) {
            r.fail_at("secret", "secret must have at least 16 characters");
        }
    }
    if (c.type == ChannelType::email) {
        auto relay = r.required_text("smtp");
        auto colon = relay.rfind(':');
        HttpTarget parsed;
        if (colon == std::string::npos || !parse_http_url("http://" + relay, parsed).empty() || parsed.path != "/") {
            r.fail_at("smtp", "smtp must be HOST:PORT of the relay, e.g. \"127.0.0.1:25\"");
        }
        c.smtp.host = parsed.host;
        c.smtp.port = parsed.port;
        c.from = r.required_text("from");
        if (c.from.find('@') == std::string::npos || std::any_of(c.from.begin(), c.from.end(), [](char ch) {
                return static_cast<unsigned char>(ch) <= ' ' || ch == '<' || ch == '>';
            })) {
            r.fail_at("from", "from must be an address such as csms@example.com");
        }
        read_relay_security(r, c.smtp);
    }
    if (c.type == ChannelType::sms) {
        c.body_template = r.required_text("body");
        if (c.body_template.find("{to}") == std::string::npos || c.body_template.find("{text}") == std::string::npos) {
            r.fail_at("body", "body must contain both {to} and {text}");
        }
        c.content_type = r.text("content_type").value_or(c.content_type);
        if (c.content_type.find_first_of("\r\n") != std::string::npos) {
            r.fail_at("content_type", "content_type must be one line");
        }
        c.api_key_header = r.text("api_key_header").value_or("");
        c.api_key = r.text("api_key").value_or("");
        if (c.api_key_header.empty() != c.api_key.empty()) {
            r.fail(r.line(), "api_key_header and api_key go together");
        }
        if (c.api_key_header.find_first_of(":\r\n ") != std::string::npos ||
            c.api_key.find_first_of("\r\n") != std::string::npos) {
            r.fail_at("api_key_header", "api_key_header must be a header name and api_key one line");
        }
    }
    return c;
}

QuietHours read_quiet_hours(const toml::table& table, const TableReader& route)
{
    auto line_for = [&](std::string_view key) {
        const toml::node* node = table.get(key);
        return node != nullptr ? line_of(*node) : line_of(table);
    };
    for (auto&& [key, node] : table) {
        if (key.str() != "from" && key.str() != "to" && key.str() != "time_zone") {
            route.fail(line_of(key), "unknown key " + in_quotes("quiet_hours." + std::string(key.str())) +
                                         " (quiet_hours takes from, to and time_zone)");
        }
    }
    QuietHours q;
    for (const char* key : {"from", "to"}) {
        const toml::node* node = table.get(key);
        auto minute =
            node != nullptr && node->is_string() ? parse_clock_time(*node->value<std::string>()) : std::nullopt;
        if (!minute) {
            route.fail(line_for(key), "quiet_hours." + std::string(key) + " must be a local time \"HH:MM\"");
        }
        (std::string_view(key) == "from" ? q.start_minute : q.end_minute) = *minute;
    }
    if (q.start_minute == q.end_minute) {
        route.fail(line_for("to"), "quiet_hours.to must differ from quiet_hours.from");
    }
    const toml::node* zone = table.get("time_zone");
    if (zone != nullptr) {
        auto offset = zone->is_string() ? parse_utc_offset(*zone->value<std::string>()) : std::nullopt;
        if (!offset) {
            route.fail(line_for("time_zone"),
                       "quiet_hours.time_zone must be \"UTC\" or an offset such as \"+08:00\" (zone names are not read "
                       "yet)");
        }
        q.utc_offset = *offset;
    }
    return q;
}

// The keys of one set of recipients: to_roles, to_operators, channels or the
// escalate_ ones.
struct RecipientKeys {
    std::string roles, operators, channels;
};

Recipients read_recipients(const TableReader& r, const RecipientKeys& keys,
                           const std::map<std::string, ChannelType, std::less<>>& channels)
{
    Recipients to;
    const auto& roles = store::operator_roles();
    to.roles = r.strings(keys.roles, [&](const std::string& role) {
        return std::find(roles.begin(), roles.end(), role) == roles.end() ? std::string("is not a role")
                                                                          : std::string();
    });
    to.operators = r.strings(keys.operators, [](const std::string&) { return std::string(); });
    to.channels = r.strings(keys.channels, [&](const std::string& name) {
        return channels.count(name) == 0 ? std::string("is not a [[channel]] of this file") : std::string();
    });
    bool people = !to.roles.empty() || !to.operators.empty();
    for (const auto& name : to.channels) {
        if (channels.find(name)->second != ChannelType::webhook && !people) {
            r.fail_at(keys.channels, keys.channels + " " + in_quotes(name) + " addresses people: give " + keys.roles +
                                         " or " + keys.operators);
        }
    }
    if (people && to.channels.empty()) {
        r.fail_at(keys.roles.empty() ? keys.operators : keys.roles,
                  "people without channels get nothing: give " + keys.channels);
    }
    return to;
}

Route read_route(const toml::table& table, const std::string& source, std::size_t index,
                 const std::map<std::string, ChannelType, std::less<>>& channels)
{
    TableReader r(table, source, "route #" + std::to_string(index));
    Route route;
    route.line = r.line();
    route.name = r.required_text("name");
    if (!valid_name(route.name)) {
        r.fail_at("name", "name " + in_quotes(route.name) + " must be 1 to 64 of the characters A-Z a-z 0-9 _ . -");
    }
    r.rename("route " + in_quotes(route.name));
    r.check_keys({"name", "min_severity", "rules", "kinds", "regions", "events", "to_roles", "to_operators", "channels",
                  "quiet_hours", "escalate_after_s", "escalate_to_roles", "escalate_to_operators",
                  "escalate_channels"});
    if (auto severity = r.text("min_severity")) {
        auto parsed = parse_severity(*severity);
        if (!parsed) {
            r.fail_at("min_severity", "min_severity " + in_quotes(*severity) + " is not info, warning or critical");
        }
        route.min_severity = *parsed;
    }
    auto any = [](const std::string&) { return std::string(); };
    route.rules = r.strings("rules", any);
    route.kinds = r.strings("kinds", any);
    route.regions = r.strings("regions", any);
    if (r.has("events")) {
        route.events = r.strings("events", [](const std::string& event) {
            return std::find(event_names.begin(), event_names.end(), event) == event_names.end()
                       ? "is not " + one_of(event_names)
                       : std::string();
        });
    }
    route.to = read_recipients(r, {"to_roles", "to_operators", "channels"}, channels);
    if (route.to.channels.empty()) {
        r.fail(r.line(), "missing channels (where the route's messages go)");
    }
    if (const auto* quiet = r.subtable("quiet_hours")) {
        route.quiet_hours = read_quiet_hours(*quiet, r);
    }
    if (auto after = r.seconds("escalate_after_s", 1, 30 * 86400)) {
        route.escalate_after = std::chrono::duration_cast<std::chrono::seconds>(*after);
    }
    route.escalate_to =
        read_recipients(r, {"escalate_to_roles", "escalate_to_operators", "escalate_channels"}, channels);
    if (route.escalate_after && route.escalate_to.channels.empty()) {
        r.fail_at("escalate_after_s", "escalate_after_s needs escalate_channels (and escalate_to_roles or "
                                      "escalate_to_operators for people)");
    }
    if (!route.escalate_after && !route.escalate_to.channels.empty()) {
        r.fail_at("escalate_channels", "escalate_channels needs escalate_after_s");
    }
    return route;
}

DeliveryPolicy read_delivery(const toml::table& table, const std::string& source)
{
    TableReader r(table, source, "delivery");
    r.check_keys({"retry_min_s", "retry_max_s", "max_attempts"});
    DeliveryPolicy d;
    d.retry_min = r.seconds("retry_min_s", 0.01, 86400).value_or(d.retry_min);
    d.retry_max = r.seconds("retry_max_s", 0.01, 7 * 86400).value_or(d.retry_max);
    d.max_attempts = r.integer("max_attempts", 1, 1000).value_or(d.max_attempts);
    if (d.retry_max < d.retry_min) {
        r.fail_at("retry_max_s", "retry_max_s must be at least retry_min_s");
    }
    return d;
}

NotificationConfig parse(std::string_view toml_text, const std::string& source_name)
{
    toml::table root = base::parse_toml(toml_text, source_name);
    constexpr std::string_view top_keys[] = {"channel", "route", "delivery"};
    base::check_top_level_keys(root, source_name, top_keys, "the file holds [delivery], [[channel]] and [[route]]");
    NotificationConfig config;
    config.source = source_name;
    if (const toml::node* delivery = root.get("delivery")) {
        if (!delivery->is_table()) {
            base::fail_at_line(source_name, line_of(*delivery), "delivery must be a [delivery] table");
        }
        config.delivery = read_delivery(*delivery->as_table(), source_name);
    }
    std::map<std::string, ChannelType, std::less<>> channel_types_by_name;
    std::map<std::string, int, std::less<>> lines;
    if (const auto* channels = base::table_array(root, "channel", source_name)) {
        for (std::size_t i = 0; i < channels->size(); ++i) {
            const auto& table = *channels->get(i)->as_table();
            auto channel = read_channel(table, source_name, i + 1);
            auto [it, inserted] = lines.emplace("channel " + channel.name, line_of(table));
            if (!inserted) {
                base::fail_at_line(source_name, line_of(table),
                                   "channel " + in_quotes(channel.name) +
                                       ": name is already used by the channel at line " + std::to_string(it->second));
            }
            channel_types_by_name.emplace(channel.name, channel.type);
            config.channels.push_back(std::move(channel));
        }
    }
    if (const auto* routes = base::table_array(root, "route", source_name)) {
        for (std::size_t i = 0; i < routes->size(); ++i) {
            const auto& table = *routes->get(i)->as_table();
            auto route = read_route(table, source_name, i + 1, channel_types_by_name);
            auto [it, inserted] = lines.emplace("route " + route.name, line_of(table));
            if (!inserted) {
                base::fail_at_line(source_name, line_of(table),
                                   "route " + in_quotes(route.name) + ": name is already used by the route at line " +
                                       std::to_string(it->second));
            }
            config.routes.push_back(std::move(route));
        }
    }
    return config;
}

} // namespace

NotificationConfig parse_notifications(std::string_view toml_text, const std::string& source_name)
{
    try {
        return parse(toml_text, source_name);
    } catch (const base::TomlFileError& e) {
        throw NotificationFileError(e.what());
    }
}

NotificationConfig load_notification_file(const std::string& path)
{
    std::string text;
    try {
        text = base::read_toml_file(path, "the notifications file");
    } catch (const base::TomlFileError& e) {
        throw NotificationFileError(e.what());
    }
    return parse_notifications(text, path);
}

} // namespace csms::notify
