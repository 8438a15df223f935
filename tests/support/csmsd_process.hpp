#pragma once
// A real csmsd child process on 127.0.0.1 port 0 with its own database, for
// end-to-end tests. The constructor returns once the ready line was read (or
// throws with the server's stderr). While it lives, its stderr log is listed
// in live_logs(), which the failure listener prints when an assertion fails.
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <regex>
#include <set>

#ifndef CSMS_BIN_DIR
#error "CSMS_BIN_DIR must name the folder holding csmsd and csmsctl"
#endif

namespace csms::test {

inline std::string bin_path(const std::string& name)
{
    return std::string(CSMS_BIN_DIR) + "/" + name;
}

// ocpp-sim, which a sanitizer build takes from the release build
// (CSMS_SIM_BIN_DIR in the top CMakeLists.txt).
inline std::string sim_path()
{
    return std::string(CSMS_SIM_BIN_DIR) + "/ocpp-sim";
}

// Logs of the csmsd processes alive right now (see failure_log_test.cpp).
struct LiveLogs {
    std::mutex mutex;
    std::set<std::string> paths;
};
inline LiveLogs& live_logs()
{
    static LiveLogs logs;
    return logs;
}

// The whole log, or its last `max_bytes`.
inline std::string log_tail(const std::string& path, std::size_t max_bytes = 16 * 1024)
{
    std::string text = read_text_file(path);
    if (text.size() > max_bytes) {
        text = "...\n" + text.substr(text.size() - max_bytes);
    }
    return text;
}

struct CsmsdOptions {
    bool dev = true;
    std::vector<std::string> extra_args; // e.g. {"--config", path}
    std::string db_path;                 // empty: <temp dir>/csms.db
    std::chrono::milliseconds ready_timeout{20000};
};

class CsmsdProcess {
public:
    explicit CsmsdProcess(const TempDir& dir, CsmsdOptions options = {})
    {
        static std::atomic<int> counter{0};
        db_path_ = options.db_path.empty() ? dir.file("csms.db") : options.db_path;
        log_path_ = dir.file("csmsd-" + std::to_string(counter.fetch_add(1)) + ".log");
        std::vector<std::string> argv{bin_path("csmsd"), "--listen", "127.0.0.1:0", "--admin-listen",
                                      "127.0.0.1:0",     "--db",     db_path_};
        if (options.dev) {
            argv.emplace_back("--dev");
        }
        argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
        child_ = std::make_unique<ChildProcess>(argv, log_path_);
        auto line = child_->read_line(options.ready_timeout);
        if (!line) {
            auto status = child_->wait_exit(std::chrono::milliseconds(0));
            throw std::runtime_error("csmsd printed no ready line within " +
                                     std::to_string(options.ready_timeout.count()) + " ms (" +
                                     (status ? status->describe() : std::string("still running")) + "); its stderr:\n" +
                                     log_tail(log_path_));
        }
        ready_line_ = *line;
        static const std::regex ready(R"(^csmsd ready ws=(\S+):(\d+) wss=(\S+) admin=(\S+):(\d+)$)");
        std::smatch m;
        if (!std::regex_match(ready_line_, m, ready)) {
            throw std::runtime_error("unexpected ready line '" + ready_line_ + "'; stderr:\n" + log_tail(log_path_));
        }
        ws_port_ = static_cast<std::uint16_t>(std::stoul(m[2].str()));
        admin_port_ = static_cast<std::uint16_t>(std::stoul(m[5].str()));
        if (const std::string wss = m[3].str(); wss != "-") {
            wss_port_ = static_cast<std::uint16_t>(std::stoul(wss.substr(wss.rfind(':') + 1)));
        }
        std::lock_guard lock(live_logs().mutex);
        live_logs().paths.insert(log_path_);
    }

    ~CsmsdProcess()
    {
        child_.reset();
        std::lock_guard lock(live_logs().mutex);
        live_logs().paths.erase(log_path_);
    }

    CsmsdProcess(const CsmsdProcess&) = delete;
    CsmsdProcess& operator=(const CsmsdProcess&) = delete;

    const std::string& ready_line() const { return ready_line_; }
    std::uint16_t ws_port() const { return ws_port_; }
    std::uint16_t admin_port() const { return admin_port_; }
    // The wss listener's port; 0 when csmsd runs without --tls-listen.
    std::uint16_t wss_port() const { return wss_port_; }
    const std::string& db_path() const { return db_path_; }
    const std::string& log_path() const { return log_path_; }
    std::string log() const { return log_tail(log_path_); }
    std::string ws_url() const { return "ws://127.0.0.1:" + std::to_string(ws_port_) + "/ocpp"; }
    pid_t pid() const { return child_->pid(); }

    void signal(int sig) { child_->signal(sig); }
    bool running() { return child_->running(); }
    std::optional<ExitStatus> wait_exit(std::chrono::milliseconds limit) { return child_->wait_exit(limit); }
    ExitStatus kill9() { return child_->kill9(); }
    // Anything csmsd printed on stdout after the ready line, until it exited.
    std::string rest_of_stdout(std::chrono::milliseconds limit) { return child_->read_all(limit); }

private:
    std::unique_ptr<ChildProcess> child_;
    std::string db_path_;
    std::string log_path_;
    std::string ready_line_;
    std::uint16_t ws_port_ = 0;
    std::uint16_t admin_port_ = 0;
    std::uint16_t wss_port_ = 0;
};

struct ProcessResult {
    ExitStatus status;
    std::string out;    // stdout
    std::string errors; // stderr
};

// Runs a program to completion (SIGKILL after `limit`), stdout captured.
inline ProcessResult run_program(const std::vector<std::string>& argv, const std::string& stderr_path,
                                 std::chrono::milliseconds limit)
{
    ChildProcess child(argv, stderr_path);
    auto deadline = std::chrono::steady_clock::now() + limit;
    bool complete = false;
    std::string out = child.read_all(limit, &complete);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto status = child.wait_exit(std::max(left, std::chrono::milliseconds(0)));
    ProcessResult result{status ? *status : child.kill9(), std::move(out), log_tail(stderr_path)};
    return result;
}

} // namespace csms::test
