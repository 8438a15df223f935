#include "proxy/migration.hpp"

#include "proxy/partner_file.hpp"
#include "support/operator_file_text.hpp"

#include <catch2/catch.hpp>

using namespace csms::proxy;
using csms::ocpp::ErrorCode;

namespace {

RelayResult answered(int kind, std::string payload, std::string code = "", std::string description = "")
{
    RelayResult result;
    PartnerFrame frame;
    frame.kind = kind;
    frame.payload = std::move(payload);
    frame.error_code = std::move(code);
    frame.description = std::move(description);
    result.answer = frame;
    return result;
}

} // namespace

TEST_CASE("A migrating charger gets its primary's result as it is")
{
    auto answer = answer_for_charger("legacy", answered(3, R"({"currentTime":"2026-01-01T00:00:00Z"})"));
    REQUIRE(answer.result);
    CHECK(*answer.result == R"({"currentTime":"2026-01-01T00:00:00Z"})");
}

TEST_CASE("A migrating charger gets its primary's CALLERROR with its code when OCPP has it")
{
    auto known = answer_for_charger("legacy", answered(4, "", "SecurityError", "unknown station"));
    CHECK_FALSE(known.result);
    CHECK(known.error_code == ErrorCode::SecurityError);
    CHECK(known.error_description == "unknown station");
    auto odd = answer_for_charger("legacy", answered(4, "", "Busy", "try later"));
    CHECK(odd.error_code == ErrorCode::GenericError);
    CHECK(odd.error_description == "try later");
}

TEST_CASE("A migrating charger whose primary did not answer gets a GenericError naming it and why")
{
    RelayResult silent;
    silent.failure = "no answer within 10 s";
    auto answer = answer_for_charger("legacy", silent);
    CHECK_FALSE(answer.result);
    CHECK(answer.error_code == ErrorCode::GenericError);
    CHECK(answer.error_description == "the primary backend 'legacy' did not answer: no answer within 10 s");
}

TEST_CASE("Only the chargers a primary lists are relayed but for SignCertificate and the outcome carries our payload")
{
    auto partners = parse_partners(
        csms::test::toml_lines({"[[partner]]", "name = \"legacy\"", "url = \"ws://x/ocpp\"", "primary = true",
                                "chargers = [\"CP-1\"]", "[[partner]]", "name = \"fleet\"", "url = \"ws://y/ocpp\"",
                                "forward = \"all\"", "chargers = [\"CP-2\"]"}),
        "partners.toml");
    std::string asked;
    Migration migration(partners, [&](const std::string& primary, const std::string& charger, const std::string& action,
                                      std::string payload, std::function<void(RelayResult)> done) {
        asked = primary + " " + charger + " " + action + " " + payload;
        auto result = answered(3, "{}");
        result.payload = R"({"transactionId":42})";
        done(result);
    });
    CHECK(migration.relays("CP-1", "BootNotification"));
    CHECK(migration.relays("CP-1", "StopTransaction"));
    CHECK_FALSE(migration.relays("CP-1", "SignCertificate")); // csmsd's CA signs
    CHECK_FALSE(migration.relays("CP-2", "BootNotification"));
    CHECK_FALSE(migration.relays("CP-3", "BootNotification"));
    std::optional<csms::PrimaryRelay::Outcome> outcome;
    migration.relay("CP-1", "StopTransaction", R"({"transactionId":9001})",
                    [&](csms::PrimaryRelay::Outcome o) { outcome = std::move(o); });
    CHECK(asked == R"(legacy CP-1 StopTransaction {"transactionId":9001})");
    REQUIRE(outcome);
    CHECK(outcome->primary == "legacy");
    CHECK(outcome->payload == R"({"transactionId":42})");
    REQUIRE(outcome->answer);
    CHECK(outcome->answer->result == std::optional<std::string>("{}"));

    // A reload moves CP-1 off the primary and CP-2 onto it.
    migration.reload(parse_partners(csms::test::toml_lines({"[[partner]]", "name = \"legacy\"", "url = \"ws://x/ocpp\"",
                                                            "primary = true", "chargers = [\"CP-2\"]"}),
                                    "partners.toml"));
    CHECK_FALSE(migration.relays("CP-1", "BootNotification"));
    CHECK(migration.relays("CP-2", "BootNotification"));
}

TEST_CASE("A primary's transaction id csmsd never saw start is filed negated so it can match none of ours")
{
    CHECK(unknown_transaction_id(9001) == -9001);
    CHECK(unknown_transaction_id(0) == 0);
    CHECK(unknown_transaction_id(-5) == -5);
}
