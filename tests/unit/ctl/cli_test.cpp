#include "ctl/cli.hpp"
#include "ctl/errors.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdlib>

#include <sstream>
#include <string>
#include <vector>

using namespace csms::ctl;

namespace {

struct Run {
    int code;
    std::string out;
    std::string err;
};

Run run_ctl(std::vector<const char*> args)
{
    args.insert(args.begin(), "csmsctl");
    std::ostringstream out, err;
    int code = run(static_cast<int>(args.size()), args.data(), out, err);
    return Run{code, out.str(), err.str()};
}

} // namespace

TEST_CASE("csmsctl usage errors exit 2 with one line and never reach a server", "[ctl][cli]")
{
    for (const auto& args : std::vector<std::vector<const char*>>{
             {"frobnicate", "list"},
             {},
             {"operators"},
             {"operators", "add", "alice"},
             {"charger", "remote-start", "CP1"},
             {"charger", "availability", "CP1", "--connector", "1", "--type", "Sideways"},
             {"charger", "unlock", "CP1", "--connector", "one"},
             {"--server", "ftp://127.0.0.1:1", "whoami"},
             {"watch", "--count", "0"},
             {"watch", "--count", "many"},
             {"commands", "send", "CP1", "Reset", "not json"},
         }) {
        auto r = run_ctl(args);
        INFO(r.err);
        CHECK(r.code == exit_usage);
        CHECK(r.out.empty());
        CHECK(r.err.rfind("csmsctl: ", 0) == 0);
        CHECK(r.err.find('\n') == r.err.size() - 1);
    }
}

TEST_CASE("csmsctl names an unknown noun or verb, the word meant, and where help is", "[ctl][cli]")
{
    struct Case {
        std::vector<const char*> args;
        std::string err;
    };
    for (const auto& c : std::vector<Case>{
             {{"frobnicate"}, "csmsctl: unknown noun 'frobnicate'; see csmsctl --help\n"},
             {{"chargrs", "list"}, "csmsctl: unknown noun 'chargrs' (did you mean chargers?)\n"},
             {{"chargers", "lst"}, "csmsctl: unknown verb 'lst' for chargers (did you mean list?)\n"},
             {{"charger", "lst"}, "csmsctl: unknown verb 'lst' for chargers (did you mean list?)\n"},
             {{"--json", "chargers", "rest", "CP1"},
              "csmsctl: unknown verb 'rest' for chargers (did you mean reset?)\n"},
             {{"chargers", "frobnicate"},
              "csmsctl: unknown verb 'frobnicate' for chargers; see csmsctl chargers --help\n"},
             {{"inbox", "lst"}, "csmsctl: unknown verb 'lst' for inbox (did you mean list?)\n"},
             {{"chargers"}, "csmsctl: missing VERB for chargers; see csmsctl chargers --help\n"},
             {{}, "csmsctl: missing NOUN; see csmsctl --help\n"},
             {{"id-tags", "add"}, "csmsctl: missing TAG; see csmsctl id-tags add --help\n"},
             {{"charger", "remote-start", "CP1"},
              "csmsctl: missing --id-tag; see csmsctl chargers remote-start --help\n"},
             {{"chargers", "list", "--bogus"},
              "csmsctl: The following argument was not expected: --bogus (see csmsctl chargers list --help)\n"},
         }) {
        auto r = run_ctl(c.args);
        CHECK(r.code == exit_usage);
        CHECK(r.err == c.err);
        CHECK(r.out.empty());
    }
}

TEST_CASE("csmsctl --version prints the version and exits 0", "[ctl][cli]")
{
    auto r = run_ctl({"--version"});
    CHECK(r.code == 0);
    CHECK(r.out == "csmsctl " CSMS_VERSION "\n");
    CHECK(r.err.empty());
}

TEST_CASE("csmsctl chargers takes the OCPP command verbs, and charger is the same noun", "[ctl][cli]")
{
    auto chargers = run_ctl({"chargers", "--help"});
    auto charger = run_ctl({"charger", "--help"});
    CHECK(chargers.code == 0);
    CHECK(charger.out == chargers.out);
    for (const char* verb : {"list", "show", "add", "security", "remote-start", "reset", "get-config"}) {
        CHECK_THAT(chargers.out, Catch::Contains(verb));
    }
}

TEST_CASE("csmsctl help lists the nouns and the https options", "[ctl][cli]")
{
    auto r = run_ctl({"--help"});
    CHECK(r.code == 0);
    for (const char* noun : {"whoami", "operators", "audit", "chargers", "transactions", "id-tags", "commands",
                             "charger", "watch", "http[s]://", "--ca-file", "CSMS_CA_FILE"}) {
        CHECK_THAT(r.out, Catch::Contains(noun));
    }
    auto verbs = run_ctl({"charger", "--help"});
    CHECK(verbs.code == 0);
    for (const char* verb : {"remote-start", "signed-update-firmware", "composite-schedule", "get-log"}) {
        CHECK_THAT(verbs.out, Catch::Contains(verb));
    }
}

TEST_CASE("csmsctl refuses a token file others can read before any request", "[ctl][cli]")
{
    // The token file is checked before connecting: port 1 is never tried.
    char path[] = "/tmp/csmsctl-token-XXXXXX";
    int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, "t\n", 2) == 2);
    ::fchmod(fd, 0644);
    ::close(fd);
    auto r = run_ctl({"--server", "http://127.0.0.1:1", "--token-file", path, "whoami"});
    ::unlink(path);
    CHECK(r.code == exit_failed);
    CHECK_THAT(r.err, Catch::Contains("accessible by others") && Catch::Contains("0644"));
}

TEST_CASE("csmsctl takes the last --server when one is given twice", "[ctl][cli]")
{
    // An alias may carry --server; a later one overrides it (here: a refused scheme).
    auto r = run_ctl({"--server", "http://127.0.0.1:1", "whoami", "--server", "ftp://127.0.0.1:1"});
    CHECK(r.code == exit_usage);
    CHECK_THAT(r.err, Catch::Contains("ftp://127.0.0.1:1") && Catch::Contains("expected http://"));
}

TEST_CASE("csmsctl refuses a CA file it cannot read before connecting", "[ctl][cli]")
{
    // Exit 1 (a local problem), not 3: port 1 is never tried.
    char path[] = "/tmp/csmsctl-token-XXXXXX";
    int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, "t\n", 2) == 2);
    ::close(fd);
    auto r = run_ctl(
        {"--server", "https://127.0.0.1:1", "--token-file", path, "--ca-file", "/nonexistent/ca.crt", "whoami"});
    ::unlink(path);
    INFO(r.err);
    CHECK(r.code == exit_failed);
    CHECK_THAT(r.err, Catch::StartsWith("csmsctl: cannot use the CA file /nonexistent/ca.crt"));
    CHECK(r.err.find('\n') == r.err.size() - 1);
}
