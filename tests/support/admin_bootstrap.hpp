#pragma once
// The documented first step of every operator: the first admin account,
// made with `csmsd --bootstrap-admin` before csmsd serves the database.
#include "support/csmsd_process.hpp"

#include <stdexcept>
#include <string>

namespace csms::test {

// Creates admin `name` in the database at db_path, its token written to
// token_file; returns the token. Throws with csmsd's stderr on failure.
inline std::string bootstrap_admin(const TempDir& dir, const std::string& db_path, const std::string& token_file,
                                   const std::string& name = "root")
{
    auto boot = run_program({bin_path("csmsd"), "--db", db_path, "--bootstrap-admin", name, "--token-file", token_file},
                            dir.file("bootstrap-" + name + ".err"), std::chrono::seconds(20));
    if (!boot.status.success()) {
        throw std::runtime_error("bootstrap failed: " + boot.status.describe() + " " + boot.errors);
    }
    std::string token = read_text_file(token_file);
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) {
        token.pop_back();
    }
    return token;
}

} // namespace csms::test
