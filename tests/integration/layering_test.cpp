// The layers of src/ as the libraries link them (src/*/CMakeLists.txt):
// a file may include headers of its own library and of the libraries its
// library depends on, directly or not, and nothing else. Every library
// can see all of src/ on its include path, so this test is what keeps an
// upward include (say, store including csms) or a cycle out.
#include "support/source_tree.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// What each library links, as in its CMakeLists.txt; "app" holds csmsd's
// and csmsctl's wiring and may use everything.
const std::map<std::string, std::set<std::string>>& direct_dependencies()
{
    static const std::map<std::string, std::set<std::string>> deps{
        {"base", {}},
        {"net", {"base"}},
        {"ocpp", {"base", "net"}},
        {"store", {"base"}},
        {"rules", {"store", "base"}},
        {"notify", {"store", "base"}},
        {"stats", {"store", "base"}},
        {"billing", {"store", "base"}},
        {"csms", {"ocpp", "store", "net"}},
        {"proxy", {"csms", "store", "base"}},
        {"admin", {"proxy", "csms", "rules", "billing", "store", "net"}},
        {"ctl", {"billing", "base"}},
        {"app", {"admin", "proxy", "rules", "notify", "stats", "billing", "csms", "net", "ctl"}},
    };
    return deps;
}

std::set<std::string> reachable_from(const std::string& library)
{
    std::set<std::string> seen;
    std::vector<std::string> todo{library};
    while (!todo.empty()) {
        auto next = todo.back();
        todo.pop_back();
        for (const auto& dep : direct_dependencies().at(next)) {
            if (seen.insert(dep).second) {
                todo.push_back(dep);
            }
        }
    }
    return seen;
}

} // namespace

TEST_CASE("Layering: the declared library dependencies have no cycle", "[layering]")
{
    for (const auto& [library, deps] : direct_dependencies()) {
        INFO(library);
        CHECK(reachable_from(library).count(library) == 0);
    }
}

TEST_CASE("Layering: no file includes a header of a library its own library does not depend on", "[layering]")
{
    const std::regex own_include(R"re(^\s*#\s*include\s*"([a-z_]+)/[^"]+")re");
    const fs::path src = csms::test::source_root() / "src";
    std::vector<std::string> violations;
    int files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(src)) {
        const auto ext = entry.path().extension();
        if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) {
            continue;
        }
        const auto library = fs::relative(entry.path(), src).begin()->string();
        if (direct_dependencies().count(library) == 0) {
            violations.push_back(entry.path().string() + ": in no known library");
            continue;
        }
        const auto allowed = reachable_from(library);
        ++files;
        std::ifstream in(entry.path());
        std::string line;
        for (int number = 1; std::getline(in, line); ++number) {
            std::smatch match;
            if (std::regex_search(line, match, own_include)) {
                const auto included = match[1].str();
                if (included != library && direct_dependencies().count(included) != 0 && allowed.count(included) == 0) {
                    violations.push_back(fs::relative(entry.path(), src).string() + ":" + std::to_string(number) +
                                         " includes " + included + "/");
                }
            }
        }
    }
    CHECK(files > 200);
    for (const auto& v : violations) {
        UNSCOPED_INFO(v);
    }
    CHECK(violations.empty());
}
