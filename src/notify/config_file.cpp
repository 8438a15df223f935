#include "notify/config_file.hpp"

#include "store/operator_store.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace csms::notify {
namespace {

int line_of(const toml::node& node)
{
    return static_cast<int>(node.source().begin.line);
}
int line_of(const toml::key& key)
{
    return static_cast<int>(key.source().begin.line);
}

std::string in_quotes(std::string_view text)
{
    return "'" + std::string(text) + "'";
}

std::string one_of(const std::vector<std::string_view>& list)
{
    std::string out;
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (i > 0) {
            out += i + 1 == list.size() ? " or " : ", ";
        }
        out += list[i];
    }
    return out;
}

bool valid_name(std::string_view name)
{
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
    });
}

// Reads the fields of one table; every failure names the file, the line, the
// table ("channel 'ops'") and the field.
class TableReader {
public:
    TableReader(const toml::table& table, const std::string& source, std::string who)
        : table_(table), source_(source), who_(std::move(who))
    {
    }

    [[noreturn]] void fail(int line, const std::string& message) const
    {
        throw NotificationFileError(source_ + ":" + std::to_string(line) + ": " + who_ + ": " + message);
    }
    [[noreturn]] void fail_at(std::string_view key, const std::string& message) const
    {
        const toml::node* node = table_.get(key);
        fail(node != nullptr ? line_of(*node) : line(), message);
    }
    int line() const { return line_of(table_); }
    void rename(std::string who) { who_ = std::move(who); }

    void check_keys(const std::vector<std::string_view>& known) const
    {
        for (auto&& [key, node] : table_) {
            if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
                fail(line_of(key), "unknown key " + in_quotes(key.str()) + " (known: " + one_of(known) + ")");
            }
        }
    }

    bool has(std::string_view key) const { return table_.get(key) != nullptr; }

    std::optional<std::string> text(std::string_view key) const
    {
        const toml::node* node = table_.get(key);
        if (node == nullptr) {
            return std::nullopt;
        }
        if (!node->is_string()) {
            fail(line_of(*node), std::string(key) + " must be a string");
        }
        return *node->value<std::string>();
    }

    std::string required_text(std::string_view key) const
    {
        auto value = text(key);
        if (!value || value->empty()) {
            fail(value ? line_of(*table_.get(key)) : line(), "missing " + std::string(key));
        }
        return *value;
    }

    std::optional<bool> boolean(std::string_view key) const
    {
        const toml::node* node = table_.get(key);
        if (node == nullptr) {
            return std::nullopt;
        }
        if (!node->is_boolean()) {
            fail(line_of(*node), std::string(key) + " must be true or false");
        }
        return *node->value<bool>();
    }

    // Seconds, whole or fractional, in [min, max].
    std::optional<std::chrono::milliseconds> seconds(std::string_view key, double min, double max) const
    {
        const toml::node* node = table_.get(key);
        if (node == nullptr) {
            return std::nullopt;
        }
        double value = 0;
        if (node->is_integer()) {
            value = static_cast<double>(*node->value<std::int64_t>());
        } else if (node->is_floating_point()) {
            value = *node->value<double>();
        } else {
            fail(line_of(*node), std::string(key) + " must be a number of seconds");
        }
        if (!std::isfinite(value) || value < min || value > max) {
            std::ostringstream range;
            range << key << " must be between " << min << " and " << max << " seconds";
            fail(line_of(*node), range.str());
        }
        return std::chrono::milliseconds{static_cast<std::int64_t>(std::llround(value * 1000))};
    }

    std::optional<int> integer(std::string_view key, int min, int max) const
    {
        const toml::node* node = table_.get(key);
        if (node == nullptr) {
            return std::nullopt;
        }
        if (!node->is_integer() || *node->value<std::int64_t>() < min || *node->value<std::int64_t>() > max) {
            fail(line_of(*node), std::string(key) + " must be a whole number from " + std::to_string(min) + " to " +
                                     std::to_string(max));
        }
        return static_cast<int>(*node->value<std::int64_t>());
    }

    // An array of non-empty strings; each checked by accept (which returns
    // an error message or "").
    template <class Accept> std::vector<std::string> strings(std::string_view key, Accept accept) const
    {
        std::vector<std::string> out;
        const toml::node* node = table_.get(key);
        if (node == nullptr) {
            return out;
        }
        const toml::array* array = node->as_array();
        if (array == nullptr) {
            fail(line_of(*node), std::string(key) + " must be an array of strings such as [\"a\", \"b\"]");
        }
        for (std::size_t i = 0; i < array->size(); ++i) {
            const toml::node& element = *array->get(i);
            std::string field = std::string(key) + "[" + std::to_string(i) + "]";
            if (!element.is_string() || element.value<std::string>()->empty()) {
                fail(line_of(element), field + " must be a non-empty string");
            }
            auto value = *element.value<std::string>();
            if (auto problem = accept(value); !problem.empty()) {
                fail(line_of(element), field + " " + in_quotes(value) + " " + problem);
            }
            out.push_back(value);
        }
        return out;
    }

    const toml::table* subtable(std::string_view key) const
    {
        const toml::node* node = table_.get(key);
        if (node == nullptr) {
            return nullptr;
        }
        if (!node->is_table()) {
            fail(line_of(*node), std::string(key) + " must be a table");
        }
        return node->as_table();
    }

    const std::string& source() const { return source_; }

private:
    const toml::table& table_;
    const std::string& source_;
    std::string who_;
};

// "http://host[:port][/path]" -> target; "" or a reason.
std::string parse_http_url(const std::string& url, HttpTarget& target)
{
    constexpr std::string_view scheme = "http://";
    if (url.rfind(scheme, 0) != 0) {
        return url.rfind("https://", 0) == 0 ? "https is not spoken yet: use http:// (e.g. to a local relay)"
                                             : "must start with http://";
    }
    auto rest = std::string_view(url).substr(scheme.size());
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
        r.check_keys({"name", "type", "url", "secret", "timeout_s"});
    } else if (type == "email") {
        c.type = ChannelType::email;
        r.check_keys({"name", "type", "smtp", "from", "starttls", "timeout_s"});
    } else if (type == "sms") {
        c.type = ChannelType::sms;
        r.check_keys({"name", "type", "url", "body", "content_type", "api_key_header", "api_key", "timeout_s"});
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
        c.smtp_host = parsed.host;
        c.smtp_port = parsed.port;
        c.from = r.required_text("from");
        if (c.from.find('@') == std::string::npos || std::any_of(c.from.begin(), c.from.end(), [](char ch) {
                return static_cast<unsigned char>(ch) <= ' ' || ch == '<' || ch == '>';
            })) {
            r.fail_at("from", "from must be an address such as csms@example.com");
        }
        c.starttls = r.boolean("starttls").value_or(false);
        if (c.starttls) {
            r.fail_at("starttls", "starttls is not spoken yet: relay through a local MTA that does it");
        }
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

// The [[name]] array of tables, or empty.
const toml::array* table_array(const toml::table& root, std::string_view key, const std::string& source)
{
    const toml::node* node = root.get(key);
    if (node == nullptr) {
        return nullptr;
    }
    const toml::array* array = node->as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
        throw NotificationFileError(source + ":" + std::to_string(line_of(*node)) + ": " + std::string(key) +
                                    " must be written [[" + std::string(key) + "]] (an array of tables)");
    }
    return array;
}

} // namespace

NotificationConfig parse_notifications(std::string_view toml_text, const std::string& source_name)
{
    toml::table root;
    try {
        root = toml::parse(toml_text, source_name);
    } catch (const toml::parse_error& e) {
        throw NotificationFileError(source_name + ":" + std::to_string(e.source().begin.line) +
                                    ": invalid TOML: " + std::string(e.description()));
    }
    for (auto&& [key, node] : root) {
        if (key.str() != "channel" && key.str() != "route" && key.str() != "delivery") {
            throw NotificationFileError(source_name + ":" + std::to_string(line_of(key)) + ": unknown top-level key " +
                                        in_quotes(key.str()) +
                                        " (the file holds [delivery], [[channel]] and "
                                        "[[route]])");
        }
    }
    NotificationConfig config;
    config.source = source_name;
    if (const toml::node* delivery = root.get("delivery")) {
        if (!delivery->is_table()) {
            throw NotificationFileError(source_name + ":" + std::to_string(line_of(*delivery)) +
                                        ": delivery must be a [delivery] table");
        }
        config.delivery = read_delivery(*delivery->as_table(), source_name);
    }
    std::map<std::string, ChannelType, std::less<>> channel_types_by_name;
    std::map<std::string, int, std::less<>> lines;
    if (const auto* channels = table_array(root, "channel", source_name)) {
        for (std::size_t i = 0; i < channels->size(); ++i) {
            const auto& table = *channels->get(i)->as_table();
            auto channel = read_channel(table, source_name, i + 1);
            auto [it, inserted] = lines.emplace("channel " + channel.name, line_of(table));
            if (!inserted) {
                throw NotificationFileError(source_name + ":" + std::to_string(line_of(table)) + ": channel " +
                                            in_quotes(channel.name) + ": name is already used by the channel at line " +
                                            std::to_string(it->second));
            }
            channel_types_by_name.emplace(channel.name, channel.type);
            config.channels.push_back(std::move(channel));
        }
    }
    if (const auto* routes = table_array(root, "route", source_name)) {
        for (std::size_t i = 0; i < routes->size(); ++i) {
            const auto& table = *routes->get(i)->as_table();
            auto route = read_route(table, source_name, i + 1, channel_types_by_name);
            auto [it, inserted] = lines.emplace("route " + route.name, line_of(table));
            if (!inserted) {
                throw NotificationFileError(source_name + ":" + std::to_string(line_of(table)) + ": route " +
                                            in_quotes(route.name) + ": name is already used by the route at line " +
                                            std::to_string(it->second));
            }
            config.routes.push_back(std::move(route));
        }
    }
    return config;
}

NotificationConfig load_notification_file(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        throw NotificationFileError(
            path + ": cannot read the notifications file: " + (ec ? ec.message() : std::string("not a regular file")));
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw NotificationFileError(path + ": cannot read the notifications file: " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_notifications(text.str(), path);
}

} // namespace csms::notify
