#pragma once
// csmsctl as a child process against the test's csmsd, as an operator runs
// it: the server and token file first, then the noun, verb and arguments.
#include "support/csmsd_process.hpp"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace csms::test {

// stderr goes to a fresh file in dir; csmsctl is killed after 30 s.
inline ProcessResult run_csmsctl(const TempDir& dir, std::uint16_t admin_port, const std::string& token_file,
                                 const std::vector<std::string>& args)
{
    static std::atomic<int> runs{0};
    std::vector<std::string> argv{bin_path("csmsctl"), "--server", "http://127.0.0.1:" + std::to_string(admin_port),
                                  "--token-file", token_file};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(argv, dir.file("csmsctl-" + std::to_string(runs++) + ".err"), std::chrono::seconds(30));
}

} // namespace csms::test
