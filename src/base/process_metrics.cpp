#include "base/process_metrics.hpp"

#include "base/metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <sstream>
#include <vector>

namespace csms::base {
namespace {

struct Stat {
    double cpu_seconds = 0;
    double start_ticks = 0; // since boot
    double virtual_bytes = 0;
    double resident_bytes = 0;
};

std::optional<Stat> read_stat()
{
    std::ifstream in("/proc/self/stat");
    std::string line;
    if (!std::getline(in, line)) {
        return std::nullopt;
    }
    // The command name is in parentheses and may hold spaces or ')'.
    auto close = line.rfind(')');
    if (close == std::string::npos) {
        return std::nullopt;
    }
    std::istringstream rest(line.substr(close + 1));
    std::vector<std::string> fields{std::istream_iterator<std::string>(rest), std::istream_iterator<std::string>()};
    // fields[0] is field 3 of proc(5): utime is field 14, stime 15,
    // starttime 22, vsize 23, rss 24.
    if (fields.size() < 22) {
        return std::nullopt;
    }
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    try {
        return Stat{(std::stod(fields[11]) + std::stod(fields[12])) / ticks, std::stod(fields[19]),
                    std::stod(fields[20]), std::stod(fields[21]) * page};
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::optional<double> boot_time_seconds()
{
    std::ifstream in("/proc/stat");
    std::string key;
    double value = 0;
    while (in >> key) {
        if (key == "btime" && in >> value) {
            return value;
        }
        in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
    }
    return std::nullopt;
}

std::optional<double> open_fds()
{
    std::error_code ec;
    std::filesystem::directory_iterator it("/proc/self/fd", ec);
    if (ec) {
        return std::nullopt;
    }
    double n = 0;
    for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
        if (ec) {
            return std::nullopt;
        }
        ++n;
    }
    return n > 0 ? n - 1 : n; // not the descriptor this listing holds
}

void append(std::string& out, const char* name, const char* type, const char* help, std::optional<double> value)
{
    if (!value) {
        return;
    }
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
    out += name;
    out += ' ';
    out += format_sample_value(*value);
    out += '\n';
}

} // namespace

std::string render_process_metrics()
{
    std::string out;
    auto stat = read_stat();
    // Boot time and this process's start do not change: read once.
    static const std::optional<double> started = [&stat]() -> std::optional<double> {
        auto boot = boot_time_seconds();
        if (!boot || !stat) {
            return std::nullopt;
        }
        return *boot + stat->start_ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
    }();
    std::optional<double> max_fds;
    if (rlimit limit{}; getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
        max_fds = static_cast<double>(limit.rlim_cur);
    }
    append(out, "process_cpu_seconds_total", "counter", "User and system CPU time spent, in seconds",
           stat ? std::optional(stat->cpu_seconds) : std::nullopt);
    append(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes",
           stat ? std::optional(stat->resident_bytes) : std::nullopt);
    append(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes",
           stat ? std::optional(stat->virtual_bytes) : std::nullopt);
    append(out, "process_open_fds", "gauge", "Open file descriptors", open_fds());
    append(out, "process_max_fds", "gauge", "The open file descriptor limit", max_fds);
    append(out, "process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch, in seconds",
           started);
    return out;
}

} // namespace csms::base
