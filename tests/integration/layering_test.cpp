// The layers of src/ as the libraries link them (src/*/CMakeLists.txt):
// a file may include headers of its own library and of the libraries its
// library depends on, directly or not, and nothing else. The build gives
// each library only its own folder on its include path (src/CMakeLists.txt),
// so there an upward include (say, store including csms) does not compile;
// this test also covers app, which sees all of src/, and checks that the
// link graph itself has no cycle.
#include "support/source_tree.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// What each library links, read from src/*/CMakeLists.txt
// (csms_library(csms_x deps...); for app, which builds csmsd and csmsctl,
// what any of its targets links), so the checks below hold the code to the
// build's real graph.
std::map<std::string, std::set<std::string>> read_link_graph()
{
    const std::regex library(R"re(csms_library\(\s*csms_([a-z_]+)([^)]*)\))re");
    const std::regex links(R"re(target_link_libraries\(([^)]*)\))re");
    const std::regex dependency(R"re(\bcsms_([a-z_]+))re");
    auto names_in = [&](const std::string& text) {
        std::set<std::string> names;
        for (std::sregex_iterator it(text.begin(), text.end(), dependency), end; it != end; ++it) {
            names.insert((*it)[1].str());
        }
        return names;
    };
    std::map<std::string, std::set<std::string>> graph;
    for (const auto& entry : fs::directory_iterator(csms::test::source_root() / "src")) {
        const auto cmake = entry.path() / "CMakeLists.txt";
        if (!entry.is_directory() || !fs::exists(cmake)) {
            continue;
        }
        std::ifstream in(cmake);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::smatch match;
        if (std::regex_search(text, match, library)) {
            graph[match[1].str()] = names_in(match[2].str());
            continue;
        }
        auto& deps = graph[entry.path().filename().string()];
        for (std::sregex_iterator it(text.begin(), text.end(), links), end; it != end; ++it) {
            deps.merge(names_in((*it)[1].str()));
        }
        deps.erase(entry.path().filename().string());
    }
    return graph;
}

const std::map<std::string, std::set<std::string>>& direct_dependencies()
{
    static const auto graph = read_link_graph();
    return graph;
}

std::set<std::string> reachable_from(const std::string& library)
{
    std::set<std::string> seen;
    std::vector<std::string> todo{library};
    while (!todo.empty()) {
        auto next = todo.back();
        todo.pop_back();
        auto found = direct_dependencies().find(next);
        if (found == direct_dependencies().end()) {
            continue; // not one of ours (a test-support or tool library)
        }
        for (const auto& dep : found->second) {
            if (seen.insert(dep).second) {
                todo.push_back(dep);
            }
        }
    }
    return seen;
}

} // namespace

TEST_CASE("Layering: the libraries' link dependencies have no cycle", "[layering]")
{
    // Every folder of src/ is one library (13 today), each found in its CMakeLists.txt.
    CHECK(direct_dependencies().size() >= 13);
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

namespace {

// Lines of the src/ files under `folder` (all of src/ for "") matching
// pattern, as "file:line".
std::vector<std::string> lines_matching(const std::string& folder, const std::regex& pattern,
                                        const std::set<std::string>& extensions)
{
    const fs::path src = csms::test::source_root() / "src";
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(src / folder)) {
        if (!entry.is_regular_file() || extensions.count(entry.path().extension().string()) == 0) {
            continue;
        }
        std::ifstream in(entry.path());
        std::string line;
        for (int number = 1; std::getline(in, line); ++number) {
            if (std::regex_search(line, pattern)) {
                found.push_back(fs::relative(entry.path(), src).string() + ":" + std::to_string(number));
            }
        }
    }
    return found;
}

} // namespace

TEST_CASE("Layering: sqlite3.h is included by src/store's .cpp files only", "[layering]")
{
    // SQLite stays behind the store's own functions, so a later move to
    // another database touches one folder; and a header that pulls it in
    // would hand it to every file that includes that header.
    const std::regex sqlite_include(R"re(^\s*#\s*include\s*<sqlite3\.h>)re");
    std::vector<std::string> violations = lines_matching("", sqlite_include, {".hpp"});
    for (const auto& where : lines_matching("", sqlite_include, {".cpp"})) {
        if (where.rfind("store/", 0) != 0) {
            violations.push_back(where);
        }
    }
    for (const auto& v : violations) {
        UNSCOPED_INFO(v);
    }
    CHECK(violations.empty());
}

TEST_CASE("Layering: rules and stats run no SQL of their own, only store functions", "[layering]")
{
    const std::regex runs_sql(R"re(\bcached\(|\.exec\(|"\s*(SELECT|INSERT|UPDATE|DELETE)\b|R"sql\()re");
    std::vector<std::string> violations;
    for (const char* folder : {"rules", "stats"}) {
        for (const auto& where : lines_matching(folder, runs_sql, {".cpp", ".hpp"})) {
            violations.push_back(where);
        }
    }
    for (const auto& v : violations) {
        UNSCOPED_INFO(v);
    }
    CHECK(violations.empty());
}
