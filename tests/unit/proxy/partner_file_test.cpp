#include "proxy/partner_file.hpp"

#include "proxy/ocpp_actions.hpp"
#include "support/temp_dir.hpp"

#include "support/operator_file_text.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <initializer_list>

using namespace csms::proxy;
using csms::test::TempDir;

namespace {

using csms::test::toml_lines;

std::string error_of(const std::string& text)
{
    return csms::test::parse_error<PartnerFileError>([&] { parse_partners(text, "partners.toml"); });
}

// A partner whose table starts at line 1, with extra lines from line 5 on.
std::string partner_with(std::initializer_list<std::string_view> extra)
{
    std::string text = toml_lines(
        {"[[partner]]", "name = \"roaming\"", "url = \"ws://127.0.0.1:9000/ocpp/\"", "chargers = [\"CP-1\"]"});
    for (auto line : extra) {
        text += std::string(line) + "\n";
    }
    return text;
}

} // namespace

TEST_CASE("A partner file reads every field")
{
    TempDir dir;
    {
        std::ofstream(dir.file("roaming.pw")) << "s3cret \n";
    }
    auto text = toml_lines(
        {"[[partner]]", "name = \"roaming\"", "url = \"wss://partner.example:9443/ocpp/v16\"", "user = \"csms-link\"",
         "password_file = \"" + dir.file("roaming.pw") + "\"", "ca = \"partner-ca.pem\"", "client_cert = \"link.pem\"",
         "client_key = \"link.key\"", "chargers = [\"CP-2\", \"CP-1\", \"CP-2\"]",
         "regions = [\"Guangdong / Shenzhen/\"]", "forward = [\"BootNotification\", \"StartTransaction\"]",
         "accept = [\"RemoteStopTransaction\"]", "rate_per_minute = 5", "buffer_limit = 200", "call_timeout_s = 10"});
    auto set = parse_partners(text, "partners.toml");
    REQUIRE(set.partners.size() == 1);
    const auto& p = set.partners[0];
    CHECK(p.name == "roaming");
    CHECK(p.endpoint.tls);
    CHECK(p.endpoint.host == "partner.example");
    CHECK(p.endpoint.port == 9443);
    CHECK(p.endpoint.target("CP-1") == "/ocpp/v16/CP-1");
    CHECK(p.user == "csms-link");
    CHECK(p.password == "s3cret");
    CHECK(p.client_cert == "link.pem");
    CHECK(p.chargers == std::vector<std::string>{"CP-1", "CP-2"}); // sorted, each once
    CHECK(p.regions == std::vector<std::string>{"Guangdong/Shenzhen"});
    CHECK_FALSE(p.forward_all);
    CHECK(p.forward == std::vector<std::string>{"BootNotification", "StartTransaction"});
    CHECK(p.accept == std::vector<std::string>{"RemoteStopTransaction"});
    CHECK(p.rate_per_minute == 5);
    CHECK(p.buffer_limit == 200);
    CHECK(p.call_timeout == std::chrono::seconds(10));
    CHECK(p.authorize_tags.empty());
}

TEST_CASE("A partner file reads the Authorize delegation keys and their defaults")
{
    auto set = parse_partners(partner_with({"forward = \"all\"", "authorize_tags = [\"FLEET-\", \"fl2-\"]",
                                            "authorize_timeout_s = 1.5", "authorize_fallback = \"Accepted\""}),
                              "partners.toml");
    const auto& p = set.partners.at(0);
    CHECK(p.authorize_tags == std::vector<std::string>{"FLEET-", "fl2-"});
    CHECK(p.authorize_timeout == std::chrono::milliseconds(1500));
    CHECK(p.authorize_fallback == "Accepted");

    auto defaults =
        parse_partners(partner_with({"forward = \"all\"", "authorize_tags = [\"FLEET-\"]"}), "partners.toml");
    CHECK(defaults.partners.at(0).authorize_timeout == std::chrono::seconds(3));
    CHECK(defaults.partners.at(0).authorize_fallback == "Invalid");
}

TEST_CASE("A partner file refuses Authorize delegation keys out of range and tags two partners would answer")
{
    CHECK(error_of(partner_with({"forward = \"all\"", "authorize_timeout_s = 31"})) ==
          "partners.toml:6: partner 'roaming': authorize_timeout_s must be between 1 and 30 seconds");
    CHECK(error_of(partner_with({"forward = \"all\"", "authorize_fallback = \"Blocked\""})) ==
          "partners.toml:6: partner 'roaming': authorize_fallback must be \"Invalid\" or \"Accepted\"");
    CHECK(error_of(partner_with({"forward = \"all\"", "authorize_tags = [\"\"]"})).starts_with("partners.toml:6:"));
    CHECK(error_of(partner_with({"forward = \"all\"", "authorize_tags = [\"123456789012345678901\"]"})) ==
          "partners.toml:6: partner 'roaming': authorize_tags[0] '123456789012345678901' is longer than an id tag "
          "(20 characters)");
    auto second =
        toml_lines({"[[partner]]", "name = \"fleet\"", "url = \"ws://127.0.0.1:9001/ocpp\"", "chargers = [\"CP-1\"]",
                    "forward = \"all\"", "authorize_tags = [\"VIP-\", \"fleet-a\"]"});
    // A tag such as FLEET-A1 would match both: refused, case ignored.
    CHECK(error_of(partner_with({"forward = \"all\"", "authorize_tags = [\"FLEET-\"]"}) + second) ==
          "partners.toml:12: partner 'fleet': authorize_tags[1] 'fleet-a' overlaps 'FLEET-' of partner 'roaming': a "
          "tag would match both");
    // Prefixes that cannot meet are fine, and one partner may list nested ones.
    auto apart =
        parse_partners(partner_with({"forward = \"all\"", "authorize_tags = [\"FLEET-\", \"FLEET-A\"]"}) +
                           toml_lines({"[[partner]]", "name = \"fleet\"", "url = \"ws://127.0.0.1:9001/ocpp\"",
                                       "chargers = [\"CP-1\"]", "forward = \"all\"", "authorize_tags = [\"FLEETX\"]"}),
                       "partners.toml");
    CHECK(apart.partners.size() == 2);
}

TEST_CASE("A partner file takes forward all and defaults the rest")
{
    auto set = parse_partners(partner_with({"forward = \"all\""}), "partners.toml");
    const auto& p = set.partners.at(0);
    CHECK(p.forward_all);
    CHECK(p.accept.empty());
    CHECK_FALSE(p.endpoint.tls);
    CHECK(p.endpoint.port == 9000);
    CHECK(p.endpoint.target("CP-1") == "/ocpp/CP-1");
    CHECK(p.password.empty());
    CHECK(parse_partners("", "partners.toml").partners.empty());
}

TEST_CASE("A partner file names the line and field of each mistake")
{
    CHECK(error_of(partner_with({"forward = \"some\""})) ==
          "partners.toml:5: partner 'roaming': forward must be \"all\" or a list of charger-initiated actions");
    CHECK(error_of(partner_with({"forward = [\"Bootnotification\"]"})) ==
          "partners.toml:5: partner 'roaming': forward[0] 'Bootnotification' is not an OCPP 1.6 action sent by a "
          "charger (did you mean 'BootNotification'?)");
    CHECK(error_of(partner_with({"forward = \"all\"", "accept = [\"InstallCertificate\"]"})) ==
          "partners.toml:6: partner 'roaming': accept[0] 'InstallCertificate' is not an OCPP 1.6 action a partner "
          "may send to a charger");
    CHECK(error_of(partner_with({"forward = \"all\"", "rate_per_minute = 0"})) ==
          "partners.toml:6: partner 'roaming': rate_per_minute must be a whole number from 1 to 6000");
    CHECK(error_of(partner_with({"forward = \"all\"", "user = \"x\""})) ==
          "partners.toml:6: partner 'roaming': user and password_file go together (Basic auth)");
    CHECK(error_of(partner_with({"forward = \"all\"", "ca = \"ca.pem\""})) ==
          "partners.toml:6: partner 'roaming': ca needs a wss:// url");
    CHECK(error_of(partner_with({"forward = \"all\"", "bufer_limit = 3"}))
              .starts_with("partners.toml:6: partner #1: unknown key 'bufer_limit'"));
    CHECK(error_of(partner_with({})) ==
          "partners.toml:1: partner 'roaming': missing forward: \"all\" or a list such as [\"BootNotification\", "
          "\"StatusNotification\", \"StartTransaction\", \"StopTransaction\"]");
    CHECK(error_of(toml_lines(
              {"[[partner]]", "name = \"p\"", "url = \"http://x/ocpp\"", "chargers = [\"A\"]", "forward = \"all\""})) ==
          "partners.toml:3: partner 'p': url 'http://x/ocpp' must start with ws:// or wss://");
    CHECK(error_of(toml_lines({"[[partner]]", "name = \"p\"", "url = \"ws://x/ocpp\"", "forward = \"all\""})) ==
          "partners.toml:1: partner 'p': give chargers and/or regions: a partner sees only the chargers chosen "
          "for it");
    auto twice = partner_with({"forward = \"all\""}) + partner_with({"forward = \"all\""});
    CHECK(error_of(twice) == "partners.toml:7: partner #2: partner 'roaming' is already defined at line 1");
    CHECK(error_of("[partner]\nname = 1\n").starts_with("partners.toml:1:"));
}

TEST_CASE("A partner password file that is missing or empty is an error that never shows a password")
{
    TempDir dir;
    {
        std::ofstream(dir.file("empty.pw")) << "\n";
    }
    auto with_file = [](const std::string& path) {
        return partner_with({"forward = \"all\"", "user = \"u\"", "password_file = \"" + path + "\""});
    };
    CHECK(error_of(with_file(dir.file("empty.pw"))) ==
          "partners.toml:7: partner 'roaming': password_file '" + dir.file("empty.pw") + "' is empty");
    CHECK(error_of(with_file(dir.file("none.pw"))) ==
          "partners.toml:7: partner 'roaming': password_file '" + dir.file("none.pw") + "' cannot be read");
}

TEST_CASE("A partner url is split into host port and path")
{
    PartnerUrl u;
    CHECK(parse_partner_url("wss://[::1]:8443", u).empty());
    CHECK(u.host == "::1");
    CHECK(u.port == 8443);
    CHECK(u.target("CP") == "/CP");
    CHECK(parse_partner_url("ws://host", u).empty());
    CHECK(u.port == 80);
    CHECK(parse_partner_url("ws://user:pw@host/ocpp", u) == "must not hold credentials: use user and password_file");
    CHECK(parse_partner_url("ws://host:0/ocpp", u) == "has a bad port");
    CHECK(parse_partner_url("ws://host/ocpp?x=1", u) ==
          "must not have a query or fragment (the charger id is appended to its path)");
    CHECK(parse_partner_url("ws:///ocpp", u) == "has no host");
}

TEST_CASE("An unreadable partners file is a PartnerFileError")
{
    CHECK_THROWS_AS(load_partner_file("/nonexistent/partners.toml"), PartnerFileError);
}

TEST_CASE("The partners file examples in docs/proxy.md are valid files")
{
    std::ifstream in(std::string(CSMS_SCHEMA_DIR) + "/../docs/proxy.md");
    REQUIRE(in);
    std::vector<std::string> blocks;
    std::string line;
    bool in_block = false;
    while (std::getline(in, line)) {
        auto start = line.find_first_not_of(' ');
        std::string trimmed = start == std::string::npos ? "" : line.substr(start);
        if (!in_block && trimmed == "```toml") {
            in_block = true;
            blocks.emplace_back();
        } else if (in_block && trimmed == "```") {
            in_block = false;
        } else if (in_block) {
            blocks.back() += trimmed + "\n";
        }
    }
    REQUIRE(blocks.size() == 2);
    TempDir dir;
    // The password files the examples name, made real.
    for (auto& block : blocks) {
        auto at = block.find("/etc/csms/");
        REQUIRE(at != std::string::npos);
        auto end = block.find('"', at);
        const auto name = block.substr(at + 10, end - at - 10);
        std::ofstream(dir.file(name)) << "pw\n";
        block.replace(at, end - at, dir.file(name));
    }
    auto migration = parse_partners(blocks[0], "docs/proxy.md");
    REQUIRE(migration.partners.size() == 1);
    CHECK(migration.partners[0].name == "legacy");
    CHECK(migration.partners[0].primary);
    auto set = parse_partners(blocks[1], "docs/proxy.md");
    REQUIRE(set.partners.size() == 1);
    CHECK(set.partners[0].name == "fleet");
    CHECK(set.partners[0].accept.size() == 2);
    CHECK(set.partners[0].authorize_tags == std::vector<std::string>{"FLEET-"});
}

TEST_CASE("A primary backend takes every action a partner may send and a shorter call timeout by default")
{
    auto set = parse_partners(partner_with({"primary = true"}), "partners.toml");
    const auto& p = set.partners.at(0);
    CHECK(p.primary);
    CHECK_FALSE(p.forward_all);
    CHECK(p.forward.empty()); // it gets every CALL live, no copies
    CHECK(p.accept.size() == std::size(central_actions));
    CHECK(std::find(p.accept.begin(), p.accept.end(), "Reset") != p.accept.end());
    CHECK(p.rate_per_minute == 120);
    CHECK(p.call_timeout == std::chrono::seconds(10));

    auto limited = parse_partners(
        partner_with({"primary = true", "accept = [\"RemoteStopTransaction\"]", "call_timeout_s = 4"}), "p.toml");
    CHECK(limited.partners.at(0).accept == std::vector<std::string>{"RemoteStopTransaction"});
    CHECK(limited.partners.at(0).call_timeout == std::chrono::seconds(4));
    // "all" is also there for an ordinary partner.
    auto open = parse_partners(partner_with({"forward = \"all\"", "accept = \"all\""}), "p.toml");
    CHECK(open.partners.at(0).accept.size() == std::size(central_actions));
}

TEST_CASE("A primary backend refuses what it has no use for and a charger cannot have two primaries")
{
    CHECK(error_of(partner_with({"primary = true", "regions = [\"Guangdong\"]"})) ==
          "partners.toml:6: partner 'roaming': a primary backend's chargers are listed by id in chargers");
    CHECK(error_of(partner_with({"primary = true", "forward = \"all\""})) ==
          "partners.toml:6: partner 'roaming': a primary backend gets every message of its chargers: remove forward");
    CHECK(error_of(partner_with({"primary = true", "buffer_limit = 5"})).find("has no buffer") != std::string::npos);
    CHECK(error_of(partner_with({"primary = true", "authorize_tags = [\"A-\"]"})).find("answers every Authorize") !=
          std::string::npos);
    CHECK(error_of(partner_with({"primary = true", "accept = \"some\""})) ==
          "partners.toml:6: partner 'roaming': accept must be \"all\" or a list of actions a partner may send to a "
          "charger");
    CHECK(error_of(toml_lines({"[[partner]]", "name = \"old\"", "url = \"ws://x/ocpp\"", "primary = true",
                               "regions = [\"Guangdong\"]"}))
              .find("listed by id") != std::string::npos);
    CHECK(error_of(toml_lines({"[[partner]]", "name = \"old\"", "url = \"ws://x/ocpp\"", "primary = true",
                               "chargers = [\"CP-1\", \"CP-2\"]", "[[partner]]", "name = \"older\"",
                               "url = \"ws://y/ocpp\"", "primary = true", "chargers = [\"CP-3\", \"CP-2\"]"})) ==
          "partners.toml:10: partner 'older': chargers[1] 'CP-2' already has partner 'old' as its primary backend");
    // A mirror partner may see a migrating charger too.
    auto set = parse_partners(toml_lines({"[[partner]]", "name = \"old\"", "url = \"ws://x/ocpp\"", "primary = true",
                                          "chargers = [\"CP-1\"]", "[[partner]]", "name = \"fleet\"",
                                          "url = \"ws://y/ocpp\"", "forward = \"all\"", "chargers = [\"CP-1\"]"}),
                              "partners.toml");
    CHECK(set.partners.size() == 2);
}

TEST_CASE("A partner file reads alert_after_s: 5 minutes by default, 0 for never")
{
    CHECK(parse_partners(partner_with({"forward = \"all\""}), "partners.toml").partners.at(0).alert_after ==
          std::chrono::minutes(5));
    CHECK(parse_partners(partner_with({"forward = \"all\"", "alert_after_s = 1.5"}), "partners.toml")
              .partners.at(0)
              .alert_after == std::chrono::milliseconds(1500));
    CHECK(parse_partners(partner_with({"forward = \"all\"", "alert_after_s = 0"}), "partners.toml")
              .partners.at(0)
              .alert_after.count() == 0);
    CHECK(error_of(partner_with({"forward = \"all\"", "alert_after_s = -1"})) ==
          "partners.toml:6: partner 'roaming': alert_after_s must be between 0 and 604800 seconds");
    CHECK(error_of(partner_with({"forward = \"all\"", "alert_after_s = \"5m\""})) ==
          "partners.toml:6: partner 'roaming': alert_after_s must be a number of seconds");
    CHECK(error_of(partner_with({"forward = \"all\"", "alert_aftr_s = 60"})).find("did you mean 'alert_after_s'") !=
          std::string::npos);
}
