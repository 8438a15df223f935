#pragma once
// The webhook signature: X-CSMS-Signature: sha256=<hex HMAC-SHA256 of the
// exact body, keyed with the channel's secret>. Receivers recompute it over
// the bytes they got and compare in constant time.
#include <string>
#include <string_view>

namespace csms::notify {

// Lower-case hex; throws std::runtime_error if OpenSSL fails.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// "sha256=" + hmac_sha256_hex(secret, body).
std::string signature_header_value(std::string_view secret, std::string_view body);

} // namespace csms::notify
