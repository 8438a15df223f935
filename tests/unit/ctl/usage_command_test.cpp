// csmsctl usage: what is refused before any request (the server given is
// unreachable, so reaching it would exit 3, not 2).
#include "ctl/cli.hpp"
#include "ctl/errors.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

using namespace csms::ctl;

TEST_CASE("csmsctl usage refuses bad choices and --csv with --json without a server", "[ctl][cli][usage]")
{
    for (const auto& args : std::vector<std::vector<const char*>>{
             {"--json", "usage", "load", "--csv"},
             {"usage", "load", "--by", "month"},
             {"usage", "regions", "--level", "street"},
             {"usage"},
         }) {
        std::vector<const char*> argv{"csmsctl", "--server", "http://127.0.0.1:1", "--token-file", "/nonexistent"};
        argv.insert(argv.end(), args.begin(), args.end());
        std::ostringstream out, err;
        int code = run(static_cast<int>(argv.size()), argv.data(), out, err);
        INFO(err.str());
        CHECK(code == exit_usage);
        CHECK(out.str().empty());
    }
}
