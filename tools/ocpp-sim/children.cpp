#include "children.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace csms::sim {
namespace {

// The children, for the signal handler; written before it is installed.
constexpr int max_children = 1024;
pid_t child_pids[max_children];
volatile std::sig_atomic_t child_count = 0;

extern "C" void forward_signal(int signal)
{
    for (int i = 0; i < child_count; ++i) {
        ::kill(child_pids[i], signal); // async-signal-safe
    }
}

bool write_all(int fd, const std::string& text)
{
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

std::string read_all(int fd)
{
    std::string out;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return out;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
}

[[noreturn]] void child_main(int index, Slice slice, int fd, const std::function<RunTotals(int, Slice)>& body)
{
    int code = 0;
    try {
        const std::string line = serialize_totals(body(index, slice)) + "\n";
        code = write_all(fd, line) ? 0 : 3;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ocpp-sim: child %d: error: %s\n", index, e.what());
        code = 3;
    }
    std::fflush(nullptr);
    ::_exit(code); // no atexit handlers or static destructors of the parent's state
}

std::string charger_range(Slice slice)
{
    return "chargers " + std::to_string(slice.first) + "-" + std::to_string(slice.last);
}

std::string describe(int index, Slice slice)
{
    return "child " + std::to_string(index) + " (" + charger_range(slice) + ")";
}

} // namespace

ChildrenResult run_children(int processes, int chargers, const std::function<RunTotals(int, Slice)>& body,
                            const std::function<void()>& after_fork)
{
    if (processes > max_children) {
        throw std::runtime_error("--processes is limited to " + std::to_string(max_children));
    }
    struct Child {
        pid_t pid;
        int fd;
        Slice slice;
    };
    std::vector<Child> children;
    // What is buffered now would otherwise be written once per child too.
    std::fflush(nullptr);
    for (int k = 0; k < processes; ++k) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) {
            throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
        }
        const Slice slice = process_slice(chargers, processes, k);
        const pid_t pid = ::fork();
        if (pid < 0) {
            throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
        }
        if (pid == 0) {
            ::close(fds[0]);
            for (const auto& sibling : children) {
                ::close(sibling.fd);
            }
            child_main(k, slice, fds[1], body);
        }
        ::close(fds[1]);
        children.push_back({pid, fds[0], slice});
        child_pids[k] = pid;
        child_count = k + 1;
    }
    struct sigaction action {};
    action.sa_handler = forward_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    struct sigaction old_int {
    }, old_term{};
    ::sigaction(SIGINT, &action, &old_int);
    ::sigaction(SIGTERM, &action, &old_term);

    after_fork();

    ChildrenResult result;
    // A child without results still counts its chargers, as failed.
    auto lost = [&result](const Child& child, std::string problem) {
        const auto size = static_cast<std::uint64_t>(child.slice.last - child.slice.first + 1);
        result.totals.chargers += size;
        result.totals.failure_count += size;
        if (result.totals.failures.size() < RunTotals::max_failures_kept) {
            result.totals.failures.emplace_back(charger_range(child.slice), problem);
        }
        result.problems.push_back(std::move(problem));
    };
    // Children write only when done, so reading them in turn cannot deadlock:
    // a child waits on a full pipe only until the parent reaches it.
    for (const auto& child : children) {
        const std::string text = read_all(child.fd);
        ::close(child.fd);
        int status = 0;
        while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
        }
        if (WIFSIGNALED(status)) {
            lost(child, describe(static_cast<int>(&child - children.data()), child.slice) + " crashed: signal " +
                            std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")");
            continue;
        }
        auto totals = deserialize_totals(text);
        if (!totals || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            lost(child, describe(static_cast<int>(&child - children.data()), child.slice) + " exited with status " +
                            std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + " without results");
            continue;
        }
        result.totals.merge(*totals);
    }
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGTERM, &old_term, nullptr);
    child_count = 0;
    return result;
}

} // namespace csms::sim
