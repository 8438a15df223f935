#include "options.hpp"

#include "base/concat.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace csms::sim {
namespace {

std::string padded(int number)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d", number);
    return buf;
}

// Ids go into the URL path unescaped, so keep them to characters that need
// no percent-encoding.
bool is_id_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
}

bool all_digits(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::string> validate_closed_loop(const Options& options)
{
    if (options.mix && !options.closed_loop) {
        return std::string("--mix needs --closed-loop");
    }
    if (!options.closed_loop) {
        return std::nullopt;
    }
    if (options.mode != "load") {
        return std::string("--closed-loop needs --mode load");
    }
    // The grids and the closed loop would fight over the one call in flight.
    if (options.heartbeat_interval > 0 || options.meter_interval > 0) {
        return std::string("--closed-loop sends the next call on each answer; drop --heartbeat-interval and "
                           "--meter-interval");
    }
    if (options.mix) {
        auto mix = parse_mix(*options.mix);
        if (auto* error = std::get_if<std::string>(&mix)) {
            return *error;
        }
    }
    return std::nullopt;
}

} // namespace

LoadMix load_mix(const Options& options)
{
    return options.mix ? std::get<LoadMix>(parse_mix(*options.mix)) : LoadMix{};
}

std::variant<WsUrl, std::string> parse_ws_url(std::string_view url)
{
    WsUrl out;
    std::string_view rest;
    if (url.starts_with("ws://")) {
        rest = url.substr(5);
    } else if (url.starts_with("wss://")) {
        out.tls = true;
        rest = url.substr(6);
    } else {
        return base::concat("--url must start with ws:// or wss://, got '", url, "'");
    }
    std::size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    while (path.ends_with('/')) {
        path.remove_suffix(1);
    }
    if (path.find_first_of("?#") != std::string_view::npos) {
        return std::string("--url must not have a query or fragment");
    }

    std::string_view port;
    if (authority.starts_with('[')) {
        std::size_t close = authority.find(']');
        if (close == std::string_view::npos) {
            return std::string("--url has an unterminated IPv6 address");
        }
        out.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (!after.starts_with(':')) {
                return std::string("--url has junk after the IPv6 address");
            }
            port = after.substr(1);
        }
    } else {
        std::size_t colon = authority.find(':');
        out.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            port = authority.substr(colon + 1);
        }
    }
    if (out.host.empty()) {
        return std::string("--url has no host");
    }
    if (port.empty()) {
        port = out.tls ? "443" : "80";
    } else if (!all_digits(port) || port.size() > 5 || std::stoi(std::string(port)) > 65535) {
        return base::concat("--url has a bad port '", port, "'");
    }
    out.port = std::string(port);
    out.path = std::string(path);
    out.host_header = std::string(authority);
    return out;
}

std::optional<std::string> validate(const Options& options)
{
    if (options.prefix.empty() || !std::all_of(options.prefix.begin(), options.prefix.end(), is_id_char)) {
        return "--prefix must be non-empty and use only A-Z a-z 0-9 - _ .";
    }
    // OCPP 1.6 idTag is CiString20Type.
    if (options.id_tag && (options.id_tag->empty() || options.id_tag->size() > 20)) {
        return std::string("--id-tag must be 1 to 20 characters");
    }
    auto url = parse_ws_url(options.url);
    if (auto* error = std::get_if<std::string>(&url)) {
        return *error;
    }
    const bool tls = std::get<WsUrl>(url).tls;
    if (tls && options.ca_file.empty()) {
        return std::string("a wss:// URL needs --ca-file to verify the server certificate");
    }
    if (!tls &&
        (!options.ca_file.empty() || !options.client_cert_pattern.empty() || !options.client_key_pattern.empty())) {
        return std::string("--ca-file, --client-cert and --client-key need a wss:// URL");
    }
    if (options.client_cert_pattern.empty() != options.client_key_pattern.empty()) {
        return std::string("--client-cert and --client-key go together");
    }
    if (options.password_pattern && options.password_pattern->empty()) {
        return std::string("--password must not be empty");
    }
    if (options.mode != "script" && options.mode != "load" && options.mode != "storm") {
        return "--mode must be script, load or storm, got '" + options.mode + "'";
    }
    if (!parse_retry_policy(options.retry)) {
        return "--retry must be fixed, backoff or mix, got '" + options.retry + "'";
    }
    if (!options.source_addresses.empty()) {
        auto range = parse_address_range(options.source_addresses);
        if (auto* error = std::get_if<std::string>(&range)) {
            return *error;
        }
    }
    if (options.tls_resume && !tls) {
        return std::string("--tls-resume needs a wss:// URL");
    }
    if (!options.durability_log.empty() && options.mode != "load") {
        return std::string("--durability-log needs --mode load");
    }
    if (auto error = validate_closed_loop(options)) {
        return error;
    }
    // Heartbeats every 100 µs and more are a typo, not a benchmark.
    if ((options.heartbeat_interval > 0 && options.heartbeat_interval < 1e-4) ||
        (options.meter_interval > 0 && options.meter_interval < 1e-4)) {
        return std::string("--heartbeat-interval and --meter-interval must be 0 or at least 0.0001 s");
    }
    return std::nullopt;
}

Mode parse_mode(std::string_view text)
{
    if (text == "load") {
        return Mode::load;
    }
    if (text == "storm") {
        return Mode::storm;
    }
    return Mode::script;
}

Slice process_slice(int chargers, int processes, int index)
{
    const int base = chargers / processes;
    const int extra = chargers % processes;
    // The first `extra` children take one more.
    const int first = 1 + index * base + std::min(index, extra);
    const int size = base + (index < extra ? 1 : 0);
    return Slice{first, first + size - 1};
}

std::string charger_id(std::string_view prefix, int number)
{
    return std::string(prefix) + "-" + padded(number);
}

std::string default_id_tag(int number)
{
    return "TAG-" + padded(number);
}

std::string expand_pattern(std::string_view pattern, std::string_view id)
{
    constexpr std::string_view placeholder = "{id}";
    std::string out;
    out.reserve(pattern.size() + id.size());
    for (std::size_t at = 0;;) {
        std::size_t hit = pattern.find(placeholder, at);
        out.append(pattern.substr(at, hit - at));
        if (hit == std::string_view::npos) {
            return out;
        }
        out.append(id);
        at = hit + placeholder.size();
    }
}

std::string basic_authorization(std::string_view user, std::string_view password)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string plain;
    plain.reserve(user.size() + 1 + password.size());
    plain.append(user).append(1, ':').append(password);

    std::string out = "Basic ";
    out.reserve(out.size() + (plain.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= plain.size(); i += 3) {
        auto n = static_cast<std::uint32_t>(static_cast<unsigned char>(plain[i])) << 16 |
                 static_cast<std::uint32_t>(static_cast<unsigned char>(plain[i + 1])) << 8 |
                 static_cast<std::uint32_t>(static_cast<unsigned char>(plain[i + 2]));
        out += alphabet[n >> 18 & 63];
        out += alphabet[n >> 12 & 63];
        out += alphabet[n >> 6 & 63];
        out += alphabet[n & 63];
    }
    if (std::size_t left = plain.size() - i; left > 0) {
        auto n = static_cast<std::uint32_t>(static_cast<unsigned char>(plain[i])) << 16;
        if (left == 2) {
            n |= static_cast<std::uint32_t>(static_cast<unsigned char>(plain[i + 1])) << 8;
        }
        out += alphabet[n >> 18 & 63];
        out += alphabet[n >> 12 & 63];
        out += left == 2 ? alphabet[n >> 6 & 63] : '=';
        out += '=';
    }
    return out;
}

} // namespace csms::sim
