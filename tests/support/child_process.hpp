#pragma once
// A child process for end-to-end tests: argv is spawned with stdin from
// /dev/null, stdout on a pipe the test reads with deadlines, stderr appended
// to a file. The destructor kills (SIGKILL) and reaps a child still running,
// so a failing test never leaves a server behind.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

namespace csms::test {

struct ExitStatus {
    bool exited = false; // true: code is valid; false: killed by signal
    int code = -1;
    int signal = 0;

    bool success() const { return exited && code == 0; }
    std::string describe() const
    {
        return exited ? "exit code " + std::to_string(code) : "killed by signal " + std::to_string(signal);
    }
};

inline std::string read_text_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return std::move(text).str();
}

class ChildProcess {
public:
    ChildProcess(const std::vector<std::string>& argv, const std::string& stderr_path)
    {
        if (argv.empty()) {
            throw std::invalid_argument("ChildProcess: empty argv");
        }
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) {
            throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
        posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        std::vector<char*> args;
        args.reserve(argv.size() + 1);
        for (const auto& a : argv) {
            args.push_back(const_cast<char*>(a.c_str()));
        }
        args.push_back(nullptr);
        int rc = ::posix_spawn(&pid_, argv[0].c_str(), &actions, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        if (rc != 0) {
            ::close(fds[0]);
            throw std::runtime_error("posix_spawn " + argv[0] + ": " + std::strerror(rc));
        }
        stdout_fd_ = fds[0];
    }

    ~ChildProcess()
    {
        if (!status_) {
            kill9();
        }
        if (stdout_fd_ >= 0) {
            ::close(stdout_fd_);
        }
    }

    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }

    // One line of stdout (without the newline), or nullopt at EOF or when the
    // deadline passes first.
    std::optional<std::string> read_line(std::chrono::milliseconds limit)
    {
        auto deadline = std::chrono::steady_clock::now() + limit;
        for (;;) {
            if (auto nl = pending_.find('\n'); nl != std::string::npos) {
                std::string line = pending_.substr(0, nl);
                pending_.erase(0, nl + 1);
                return line;
            }
            if (!read_some(deadline)) {
                return std::nullopt;
            }
        }
    }

    // Everything on stdout until EOF; `complete` is false when the deadline
    // passed first.
    std::string read_all(std::chrono::milliseconds limit, bool* complete = nullptr)
    {
        auto deadline = std::chrono::steady_clock::now() + limit;
        while (read_some(deadline)) {
        }
        if (complete != nullptr) {
            *complete = eof_;
        }
        return std::exchange(pending_, std::string());
    }

    void signal(int sig)
    {
        if (!status_) {
            ::kill(pid_, sig);
        }
    }

    bool running() { return !poll_exit(); }

    // Waits for the child to exit; nullopt if it is still running at the deadline.
    std::optional<ExitStatus> wait_exit(std::chrono::milliseconds limit)
    {
        auto deadline = std::chrono::steady_clock::now() + limit;
        while (!poll_exit()) {
            if (std::chrono::steady_clock::now() >= deadline) {
                return std::nullopt;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return status_;
    }

    ExitStatus kill9()
    {
        if (!status_) {
            ::kill(pid_, SIGKILL);
            int raw = 0;
            while (::waitpid(pid_, &raw, 0) < 0 && errno == EINTR) {
            }
            status_ = decode(raw);
        }
        return *status_;
    }

private:
    static ExitStatus decode(int raw)
    {
        ExitStatus s;
        if (WIFEXITED(raw)) {
            s.exited = true;
            s.code = WEXITSTATUS(raw);
        } else if (WIFSIGNALED(raw)) {
            s.signal = WTERMSIG(raw);
        }
        return s;
    }

    bool poll_exit()
    {
        if (status_) {
            return true;
        }
        int raw = 0;
        pid_t r = ::waitpid(pid_, &raw, WNOHANG);
        if (r == pid_) {
            status_ = decode(raw);
            return true;
        }
        return false;
    }

    // Appends what stdout has to pending_; false at EOF or at the deadline.
    bool read_some(std::chrono::steady_clock::time_point deadline)
    {
        if (eof_ || stdout_fd_ < 0) {
            return false;
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return false;
        }
        pollfd p{stdout_fd_, POLLIN, 0};
        int rc = ::poll(&p, 1, static_cast<int>(left.count()));
        if (rc < 0 && errno == EINTR) {
            return true;
        }
        if (rc <= 0) {
            return false;
        }
        char buf[4096];
        ssize_t n = ::read(stdout_fd_, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            return true;
        }
        if (n <= 0) {
            eof_ = true;
            return false;
        }
        pending_.append(buf, static_cast<std::size_t>(n));
        return true;
    }

    pid_t pid_ = -1;
    int stdout_fd_ = -1;
    std::string pending_;
    bool eof_ = false;
    std::optional<ExitStatus> status_;
};

} // namespace csms::test
