#pragma once
// Bearer tokens for the admin API: 256 random bits, printable, and the hash
// under which they are stored. A token is shown once, when it is issued;
// only token_hash() of it is ever written anywhere.
#include <string>
#include <string_view>

namespace csms::base {

// "csms_" followed by 64 hex digits. Throws std::runtime_error if OpenSSL
// cannot produce randomness.
std::string generate_api_token();

// Lower-case hex SHA-256 of the token. A fast hash is right here: the input
// has 256 bits of entropy, so there is nothing to brute-force.
std::string api_token_hash(std::string_view token);

} // namespace csms::base
