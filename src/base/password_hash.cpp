#include "base/password_hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <stdexcept>

namespace csms::base {
namespace {

constexpr std::string_view scheme = "pbkdf2-sha256";
constexpr std::size_t salt_bytes = 16;
constexpr std::size_t hash_bytes = 32; // SHA-256 output: longer would only slow us, not an attacker
constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sextet(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

bool derive(std::string_view secret, std::string_view salt, int iterations, unsigned char* out, std::size_t out_size)
{
    return PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()),
                             reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                             iterations, EVP_sha256(), static_cast<int>(out_size), out) == 1;
}

} // namespace

std::string base64_encode(std::string_view bytes)
{
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        auto n = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8 |
                 static_cast<unsigned char>(bytes[i + 2]);
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += alphabet[(n >> 6) & 63];
        out += alphabet[n & 63];
    }
    auto rest = bytes.size() - i;
    if (rest > 0) {
        unsigned n = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16;
        if (rest == 2) n |= static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8;
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += rest == 2 ? alphabet[(n >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text)
{
    if (text.size() % 4 != 0) {
        return std::nullopt;
    }
    std::size_t padding = 0;
    if (!text.empty() && text.back() == '=') ++padding;
    if (text.size() >= 2 && text[text.size() - 2] == '=') ++padding;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        bool last = i + 4 == text.size();
        std::size_t data_chars = last ? 4 - padding : 4;
        unsigned n = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            int v = 0;
            if (j < data_chars) {
                v = sextet(text[i + j]);
                if (v < 0) {
                    return std::nullopt; // includes a stray '=' inside the text
                }
            }
            n = n << 6 | static_cast<unsigned>(v);
        }
        // Unused low bits must be zero, so every byte string has exactly one encoding.
        if ((data_chars == 3 && (n & 0xFF) != 0) || (data_chars == 2 && (n & 0xFFFF) != 0)) {
            return std::nullopt;
        }
        out += static_cast<char>((n >> 16) & 0xFF);
        if (data_chars >= 3) out += static_cast<char>((n >> 8) & 0xFF);
        if (data_chars == 4) out += static_cast<char>(n & 0xFF);
    }
    return out;
}

std::string hash_secret(std::string_view secret, int iterations)
{
    if (iterations < 1 || iterations > pbkdf2_max_iterations) {
        throw std::invalid_argument("hash_secret: iterations out of range");
    }
    std::array<unsigned char, salt_bytes> salt{};
    if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
        throw std::runtime_error("hash_secret: RAND_bytes failed");
    }
    std::string_view salt_view(reinterpret_cast<const char*>(salt.data()), salt.size());
    std::array<unsigned char, hash_bytes> hash{};
    if (!derive(secret, salt_view, iterations, hash.data(), hash.size())) {
        throw std::runtime_error("hash_secret: PKCS5_PBKDF2_HMAC failed");
    }
    std::string out(scheme);
    out += '$';
    out += std::to_string(iterations);
    out += '$';
    out += base64_encode(salt_view);
    out += '$';
    out += base64_encode(std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()));
    OPENSSL_cleanse(hash.data(), hash.size());
    return out;
}

bool verify_secret(std::string_view secret, std::string_view encoded) noexcept
{
    try {
        auto d1 = encoded.find('$');
        auto d2 = d1 == std::string_view::npos ? d1 : encoded.find('$', d1 + 1);
        auto d3 = d2 == std::string_view::npos ? d2 : encoded.find('$', d2 + 1);
        if (d3 == std::string_view::npos || encoded.find('$', d3 + 1) != std::string_view::npos ||
            encoded.substr(0, d1) != scheme) {
            return false;
        }
        auto digits = encoded.substr(d1 + 1, d2 - d1 - 1);
        auto salt_text = encoded.substr(d2 + 1, d3 - d2 - 1);
        auto hash_text = encoded.substr(d3 + 1);
        int iterations = 0;
        if (digits.empty() || digits.size() > 9 || digits.front() == '0') {
            return false;
        }
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), iterations);
        if (ec != std::errc{} || end != digits.data() + digits.size() || iterations < 1 ||
            iterations > pbkdf2_max_iterations) {
            return false;
        }
        auto salt = base64_decode(salt_text);
        auto expected = base64_decode(hash_text);
        if (!salt || salt->empty() || !expected || expected->size() != hash_bytes) {
            return false;
        }
        std::array<unsigned char, hash_bytes> actual{};
        if (!derive(secret, *salt, iterations, actual.data(), actual.size())) {
            return false;
        }
        bool same = CRYPTO_memcmp(actual.data(), expected->data(), hash_bytes) == 0;
        OPENSSL_cleanse(actual.data(), actual.size());
        return same;
    } catch (...) { // allocation failure: a refusal, never an escape
        return false;
    }
}

} // namespace csms::base
