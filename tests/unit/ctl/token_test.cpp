#include "ctl/errors.hpp"
#include "ctl/token.hpp"
#include "support/temp_dir.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <fstream>

using namespace csms::ctl;
using csms::test::TempDir;

namespace {

std::string make_file(const TempDir& dir, const std::string& name, const std::string& text, mode_t mode)
{
    auto path = dir.file(name);
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path;
}

} // namespace

TEST_CASE("a private token file is read and trimmed", "[ctl][token]")
{
    TempDir dir;
    auto path = make_file(dir, "token", "  secret-token\n", 0600);
    CHECK(read_token_file(path) == "secret-token");
    CHECK(load_token(TokenSources{path, std::string("from-env"), {}, {}}) == "secret-token");
}

TEST_CASE("a token file group or others can read is refused like ssh does", "[ctl][token]")
{
    TempDir dir;
    for (mode_t mode : {0644, 0640, 0604, 0660}) {
        auto path = make_file(dir, "token", "secret\n", mode);
        CHECK_THROWS_AS(read_token_file(path), LocalError);
        CHECK_THROWS_WITH(read_token_file(path), Catch::Contains("chmod 600") && !Catch::Contains("secret\n"));
    }
}

TEST_CASE("token sources follow flag then CSMS_TOKEN then CSMS_TOKEN_FILE then home", "[ctl][token]")
{
    TempDir dir;
    auto env_file = make_file(dir, "env-token", "from-env-file\n", 0600);
    std::filesystem::create_directories(dir.path() / ".config" / "csms");
    make_file(dir, ".config/csms/token", "from-home\n", 0600);
    auto home = dir.path().string();
    CHECK(load_token(TokenSources{"", std::string("from-env"), env_file, home}) == "from-env");
    CHECK(load_token(TokenSources{"", {}, env_file, home}) == "from-env-file");
    CHECK(load_token(TokenSources{"", {}, {}, home}) == "from-home");
    CHECK_THROWS_AS(load_token(TokenSources{"", {}, {}, dir.file("nowhere")}), LocalError);
    CHECK_THROWS_AS(load_token(TokenSources{dir.file("missing"), {}, {}, home}), LocalError);
    auto empty = make_file(dir, "empty", "\n", 0600);
    CHECK_THROWS_AS(read_token_file(empty), LocalError);
}

TEST_CASE("secret files are written with mode 0600 even over a looser file", "[ctl][token]")
{
    TempDir dir;
    auto path = make_file(dir, "out", "old content that is longer\n", 0644);
    write_secret_file(path, "new-token");
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(read_token_file(path) == "new-token");
}
