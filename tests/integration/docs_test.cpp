// What a new user reads first must work from the repository alone: the
// documents cite only files it holds, the README's "Try it", the operators'
// quick start and the alerts walkthrough run programs it builds or ships
// (or Debian tools tools/bootstrap.sh installs), tools/run.sh builds just
// those programs, and the quick start talks to the README's server instead
// of starting a second one on its ports.
#include "support/markdown.hpp"
#include "support/source_tree.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace csms::test;
namespace fs = std::filesystem;

namespace {

constexpr const char* try_it = "Try it";
constexpr const char* quick_start = "Quick start: from nothing to a remote-started session";
constexpr const char* walkthrough = "Alerts: from a rule to a cleared alert";

struct Page {
    std::string file;
    std::string heading;
};

const std::vector<Page>& first_hour_pages()
{
    static const std::vector<Page> pages{
        {"README.md", try_it}, {"docs/operators.md", quick_start}, {"docs/operators.md", walkthrough}};
    return pages;
}

ShellSteps steps_of(const Page& page)
{
    auto section = markdown_section(read_source_file(page.file), page.heading);
    INFO(page.file << ": section '" << page.heading << "'");
    REQUIRE_FALSE(section.empty());
    return shell_steps(section);
}

// The programs a command line runs: the first word of each part between
// ;, &&, || and |, after any VAR=value words.
std::vector<std::string> programs(const std::string& command)
{
    std::vector<std::string> found;
    std::string part;
    auto flush = [&] {
        for (const auto& word : words(part)) {
            if (word.find('=') == std::string::npos) {
                found.push_back(word);
                break;
            }
        }
        part.clear();
    };
    for (char c : command) {
        if (c == ';' || c == '&' || c == '|') {
            flush();
        } else {
            part += c;
        }
    }
    flush();
    return found;
}

// The targets tools/run.sh builds: CSMS_TARGETS="a b c".
std::set<std::string> run_sh_targets()
{
    const std::string script = read_source_file("tools/run.sh");
    const std::string key = "CSMS_TARGETS=\"";
    auto at = script.find(key);
    if (at == std::string::npos) {
        return {};
    }
    auto end = script.find('"', at + key.size());
    auto list = words(script.substr(at + key.size(), end - at - key.size()));
    return {list.begin(), list.end()};
}

// The package names in tools/bootstrap.sh's packages=( ... ).
std::set<std::string> bootstrap_packages()
{
    const std::string script = read_source_file("tools/bootstrap.sh");
    auto at = script.find("packages=(");
    REQUIRE(at != std::string::npos);
    auto end = script.find(')', at);
    auto list = words(script.substr(at + 10, end - at - 10));
    return {list.begin(), list.end()};
}

// The markdown file names cited in text, without the folders before them.
std::vector<std::string> cited_markdown(const std::string& text)
{
    std::vector<std::string> names;
    auto name_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; };
    for (auto at = text.find(".md"); at != std::string::npos; at = text.find(".md", at + 3)) {
        if (at + 3 < text.size() && name_char(text[at + 3])) {
            continue; // ".mdx", ".md_x": not a markdown file name
        }
        auto start = at;
        while (start > 0 && name_char(text[start - 1])) {
            --start;
        }
        if (start < at) {
            names.push_back(text.substr(start, at + 3 - start));
        }
    }
    return names;
}

// Every line inside a code fence of any kind (```, ```sh, ```toml), trimmed:
// commands shown in a plain block get copied too.
std::vector<std::string> code_lines(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    bool inside = false;
    while (std::getline(in, line)) {
        auto first = line.find_first_not_of(' ');
        const std::string trimmed = first == std::string::npos ? std::string() : line.substr(first);
        if (trimmed.rfind("```", 0) == 0) {
            inside = !inside;
        } else if (inside) {
            lines.push_back(trimmed);
        }
    }
    return lines;
}

bool is_text_source(const fs::path& path)
{
    static const std::set<std::string> extensions{".md",    ".cpp", ".hpp",  ".sh",  ".txt",
                                                  ".cmake", ".sql", ".toml", ".yaml"};
    return extensions.count(path.extension().string()) == 1 ||
           (path.extension().empty() && path.parent_path().filename() == "tools"); // the sinks are scripts
}

} // namespace

TEST_CASE("Docs: every markdown file the documents and sources cite is in the repository", "[docs]")
{
    const fs::path root = source_root();
    const std::vector<std::string> roots{"README.md", "docs", "src", "tools", "tests", "cmake", "certs"};
    std::vector<fs::path> files;
    for (const auto& r : roots) {
        if (fs::is_regular_file(root / r)) {
            files.push_back(root / r);
        } else if (fs::is_directory(root / r)) {
            for (const auto& entry : fs::recursive_directory_iterator(root / r)) {
                if (entry.is_regular_file() && is_text_source(entry.path())) {
                    files.push_back(entry.path());
                }
            }
        }
    }
    std::set<std::string> present;
    for (const auto& f : files) {
        if (f.extension() == ".md") {
            present.insert(f.filename().string());
        }
    }
    CHECK(present.count("design.md") == 1);
    CHECK(present.count("requirements.md") == 1);
    std::vector<std::string> missing;
    for (const auto& f : files) {
        for (const auto& name : cited_markdown(read_text_file(f.string()))) {
            if (present.count(name) == 0) {
                missing.push_back(f.lexically_relative(root).string() + " cites " + name);
            }
        }
    }
    INFO("cited but not in the repository:\n" << Catch::Detail::stringify(missing));
    CHECK(missing.empty());
}

TEST_CASE("Docs: tools/run.sh builds just the programs it and the first pages run", "[docs]")
{
    const auto targets = run_sh_targets();
    INFO("tools/run.sh must name what it builds: CSMS_TARGETS=\"...\" tools/build.sh");
    REQUIRE_FALSE(targets.empty());
    std::set<std::string> used{"csmsd"}; // run.sh itself runs it
    for (const auto& page : first_hour_pages()) {
        for (const auto& command : steps_of(page).commands) {
            for (const auto& program : programs(command)) {
                if (program.rfind("build/bin/", 0) == 0) {
                    used.insert(program.substr(10));
                }
            }
        }
    }
    CHECK(targets == used);
}

TEST_CASE("Docs: the first pages run only programs the repository builds or ships, or Debian tools it installs",
          "[docs]")
{
    const auto packages = bootstrap_packages();
    // Shell built-ins and coreutils, on every Debian system.
    const std::set<std::string> always{"cat", "cd", "export", "kill", "mkdir", "wait"};
    const std::set<std::string> built{"csmsd", "csmsctl", "ocpp-sim"};
    for (const auto& page : first_hour_pages()) {
        for (const auto& command : steps_of(page).commands) {
            for (const auto& program : programs(command)) {
                INFO(page.file << ", '" << page.heading << "': " << command);
                if (program.rfind("build/bin/", 0) == 0) {
                    CHECK(built.count(program.substr(10)) == 1);
                } else if (program.rfind("tools/", 0) == 0) {
                    const auto status = fs::status(source_path(program));
                    CHECK(fs::is_regular_file(status));
                    CHECK((status.permissions() & fs::perms::owner_exec) != fs::perms::none);
                } else {
                    // Not on PATH unless the reader puts build/bin there: a bare
                    // csmsctl or ocpp-sim fails here.
                    CHECK((always.count(program) == 1 || packages.count(program) == 1));
                }
            }
        }
        auto section = markdown_section(read_source_file(page.file), page.heading);
        for (const auto& line : code_lines(section)) {
            for (const auto& name : built) {
                INFO(page.file << ", '" << page.heading << "': " << line);
                CHECK_FALSE((line == name || line.rfind(name + " ", 0) == 0));
            }
        }
    }
}

TEST_CASE("Docs: the operators' pages talk to the README's server and start no second one on its ports", "[docs]")
{
    std::set<std::string> readme_urls;
    for (const auto& command : steps_of(first_hour_pages()[0]).commands) {
        auto w = words(command);
        for (std::size_t i = 0; i + 1 < w.size(); ++i) {
            if (w[i] == "--url") {
                readme_urls.insert(w[i + 1]);
            }
        }
    }
    REQUIRE(readme_urls.size() == 1);
    for (const auto& page : {first_hour_pages()[1], first_hour_pages()[2]}) {
        for (const auto& command : steps_of(page).commands) {
            INFO(page.file << ", '" << page.heading << "': " << command);
            for (const auto& program : programs(command)) {
                if (fs::path(program).filename() == "csmsd") {
                    // Only the bootstrap, which adds an account to the database and exits.
                    CHECK(command.find("--bootstrap-admin") != std::string::npos);
                }
            }
            auto w = words(command);
            for (std::size_t i = 0; i + 1 < w.size(); ++i) {
                if (w[i] == "--url") {
                    CHECK(readme_urls.count(w[i + 1]) == 1);
                }
            }
        }
    }
}

namespace {

// "GET /api/v1/chargers/{charger_id}": every route src/admin adds with a
// literal pattern (router.add({"GET", "/api/v1/...", ...})). A prefix that a
// loop completes (".../commands/" + action) ends in '/' and is left out.
std::set<std::string> routes_in_code()
{
    static const std::regex route(R"re(\{"(GET|POST|PUT|PATCH|DELETE)",\s*"(/api/v1/[^"]*)")re");
    std::set<std::string> found;
    for (const auto& entry : fs::directory_iterator(source_root() / "src" / "admin")) {
        if (entry.path().extension() != ".cpp") {
            continue;
        }
        const auto text = read_text_file(entry.path().string());
        for (std::sregex_iterator it(text.begin(), text.end(), route), end; it != end; ++it) {
            if ((*it)[2].str().back() != '/') {
                found.insert((*it)[1].str() + " " + (*it)[2].str());
            }
        }
    }
    return found;
}

// The same from the OpenAPI file: each "  /api/v1/...:" path and the
// "    get:" (post, ...) lines under it.
std::set<std::string> routes_in_openapi()
{
    static const std::regex path_line(R"re(^  (/\S*):\s*$)re");
    static const std::regex method_line(R"re(^    (get|post|put|patch|delete):\s*$)re");
    std::set<std::string> found;
    std::istringstream in(read_source_file("docs/admin-api.openapi.yaml"));
    std::string line, path;
    std::smatch m;
    while (std::getline(in, line)) {
        if (std::regex_match(line, m, path_line)) {
            path = m[1].str();
        } else if (!line.empty() && line.rfind("  ", 0) != 0) {
            path.clear(); // a top-level key: paths are over
        } else if (std::regex_match(line, m, method_line) && path.rfind("/api/v1/", 0) == 0) {
            auto method = m[1].str();
            for (auto& c : method) {
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            }
            found.insert(method + " " + path);
        }
    }
    return found;
}

} // namespace

TEST_CASE("Docs: the OpenAPI file describes every admin API route and no other", "[docs]")
{
    const auto code = routes_in_code();
    const auto documented = routes_in_openapi();
    REQUIRE(code.size() > 30);
    std::vector<std::string> undocumented, unserved;
    std::set_difference(code.begin(), code.end(), documented.begin(), documented.end(),
                        std::back_inserter(undocumented));
    std::set_difference(documented.begin(), documented.end(), code.begin(), code.end(), std::back_inserter(unserved));
    INFO("routed but not in docs/admin-api.openapi.yaml:\n" << Catch::Detail::stringify(undocumented));
    INFO("in docs/admin-api.openapi.yaml but not routed:\n" << Catch::Detail::stringify(unserved));
    CHECK(undocumented.empty());
    CHECK(unserved.empty());
}
