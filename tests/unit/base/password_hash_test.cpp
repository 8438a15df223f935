#include "base/password_hash.hpp"

#include <catch2/catch.hpp>

#include <string>

using csms::base::base64_decode;
using csms::base::base64_encode;
using csms::base::hash_secret;
using csms::base::verify_secret;

namespace {

// Tests use few iterations where the cost is not the point.
constexpr int fast = 1000;

} // namespace

TEST_CASE("password hash: a secret verifies against its own hash", "[base][password]")
{
    auto encoded = hash_secret("0123456789abcdef");
    CHECK(encoded.rfind("pbkdf2-sha256$100000$", 0) == 0);
    CHECK(verify_secret("0123456789abcdef", encoded));
    CHECK(verify_secret("", hash_secret("", fast)));
    std::string binary("a\0b:c$", 6);
    CHECK(verify_secret(binary, hash_secret(binary, fast)));
}

TEST_CASE("password hash: a wrong secret is refused", "[base][password]")
{
    auto encoded = hash_secret("right horse battery", fast);
    CHECK_FALSE(verify_secret("right horse batterY", encoded));
    CHECK_FALSE(verify_secret("right horse battery ", encoded));
    CHECK_FALSE(verify_secret("", encoded));
}

TEST_CASE("password hash: the salt makes two hashes of one secret differ", "[base][password]")
{
    auto a = hash_secret("same secret", fast);
    auto b = hash_secret("same secret", fast);
    CHECK(a != b);
    CHECK(verify_secret("same secret", a));
    CHECK(verify_secret("same secret", b));
}

TEST_CASE("password hash: the stored form never contains the secret", "[base][password]")
{
    auto encoded = hash_secret("VisibleSecret42", fast);
    CHECK(encoded.find("VisibleSecret42") == std::string::npos);
    CHECK(encoded.find(base64_encode("VisibleSecret42")) == std::string::npos);
}

TEST_CASE("password hash: malformed encodings are refused, never thrown", "[base][password]")
{
    auto good = hash_secret("s", fast);
    // Parts of the good encoding, to vary one at a time.
    auto d1 = good.find('$');
    auto d2 = good.find('$', d1 + 1);
    auto d3 = good.find('$', d2 + 1);
    auto salt = good.substr(d2 + 1, d3 - d2 - 1);
    auto hash = good.substr(d3 + 1);
    REQUIRE(verify_secret("s", "pbkdf2-sha256$1000$" + salt + "$" + hash));

    auto bad = GENERATE_COPY(as<std::string>{}, "", "$", "$$$", "pbkdf2-sha256", "pbkdf2-sha256$1000$" + salt,
                             "pbkdf2-sha1$1000$" + salt + "$" + hash,              // unknown scheme
                             "PBKDF2-SHA256$1000$" + salt + "$" + hash,            // scheme is exact
                             "pbkdf2-sha256$$" + salt + "$" + hash,                // no iterations
                             "pbkdf2-sha256$0$" + salt + "$" + hash,               // zero iterations
                             "pbkdf2-sha256$01000$" + salt + "$" + hash,           // leading zero
                             "pbkdf2-sha256$-1000$" + salt + "$" + hash,           // sign
                             "pbkdf2-sha256$1000x$" + salt + "$" + hash,           // trailing junk
                             "pbkdf2-sha256$999999999$" + salt + "$" + hash,       // over the cap
                             "pbkdf2-sha256$1000$$" + hash,                        // empty salt
                             "pbkdf2-sha256$1000$" + salt + "$",                   // empty hash
                             "pbkdf2-sha256$1000$" + salt + "$" + hash + "$",      // extra part
                             "pbkdf2-sha256$1000$" + salt + "$" + hash.substr(4),  // short hash
                             "pbkdf2-sha256$1000$" + salt + "$" + hash + "AAAA",   // long hash
                             "pbkdf2-sha256$1000$" + salt + "$!" + hash.substr(1), // not base64
                             "pbkdf2-sha256$1000$" + salt + "$ " + hash,           // whitespace
                             " pbkdf2-sha256$1000$" + salt + "$" + hash);
    CAPTURE(bad);
    CHECK_FALSE(verify_secret("s", bad));
}

TEST_CASE("password hash: iterations outside the accepted range are refused", "[base][password]")
{
    CHECK_THROWS_AS(hash_secret("s", 0), std::invalid_argument);
    CHECK_THROWS_AS(hash_secret("s", csms::base::pbkdf2_max_iterations + 1), std::invalid_argument);
}

TEST_CASE("base64: RFC 4648 test vectors round trip", "[base][base64]")
{
    std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                     {"f", "Zg=="},
                                                     {"fo", "Zm8="},
                                                     {"foo", "Zm9v"},
                                                     {"foob", "Zm9vYg=="},
                                                     {"fooba", "Zm9vYmE="},
                                                     {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, encoded] : vectors) {
        CHECK(base64_encode(plain) == encoded);
        CHECK(base64_decode(encoded) == plain);
    }
    std::string all;
    for (int i = 0; i < 256; ++i) {
        all += static_cast<char>(i);
    }
    CHECK(base64_decode(base64_encode(all)) == all);
}

TEST_CASE("base64: decoding is strict", "[base][base64]")
{
    auto bad = GENERATE(as<std::string>{}, "Zg", "Zg=", "Zg===", "Z===", "=Zg=", "Zg=a", "Zm9v\n", " Zm9v", "Zm9-",
                        "Zm9_", "Zm8=Zm8=", "Zh==", "Zm9=");
    CAPTURE(bad);
    CHECK(base64_decode(bad) == std::nullopt);
}
