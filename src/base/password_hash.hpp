#pragma once
// Salted slow hashes for the secrets chargers present (the OCPP 1.6
// AuthorizationKey). Only the encoding below is ever stored:
//   "pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>"
// with a 16-byte random salt and a 32-byte PBKDF2-HMAC-SHA256 output.
// Everything here is stateless and thread-safe; hashing costs tens of
// milliseconds by design, so keep it off strands and out of locks.
#include <optional>
#include <string>
#include <string_view>

namespace csms::base {

inline constexpr int pbkdf2_default_iterations = 100'000;
// verify_secret refuses encodings outside [1, this]: a tampered row must not
// be able to stall a thread for minutes.
inline constexpr int pbkdf2_max_iterations = 10'000'000;

// Throws std::runtime_error if OpenSSL cannot produce randomness or a hash,
// std::invalid_argument for iterations outside [1, pbkdf2_max_iterations].
std::string hash_secret(std::string_view secret, int iterations = pbkdf2_default_iterations);

// Constant-time comparison of the derived hash; false for a wrong secret and
// for any malformed or unsupported encoding. Never throws.
bool verify_secret(std::string_view secret, std::string_view encoded) noexcept;

// Standard base64 (RFC 4648 section 4) with padding.
std::string base64_encode(std::string_view bytes);
// Strict: only the standard alphabet, length a multiple of 4, '=' only as
// final padding, no whitespace, zero unused bits; nullopt otherwise.
std::optional<std::string> base64_decode(std::string_view text);

} // namespace csms::base
