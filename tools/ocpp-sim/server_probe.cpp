#include "server_probe.hpp"

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

namespace csms::sim {
namespace {

std::optional<std::string> slurp(const std::string& path)
{
    std::ifstream in(path);
    if (!in) {
        return std::nullopt;
    }
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::optional<std::uint64_t> number_at(std::string_view text)
{
    std::uint64_t out = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec != std::errc{} || end == text.data()) {
        return std::nullopt;
    }
    return out;
}

} // namespace

std::optional<std::uint64_t> parse_stat_cpu_ticks(std::string_view stat)
{
    const std::size_t paren = stat.rfind(')');
    if (paren == std::string_view::npos) {
        return std::nullopt;
    }
    // After ") " comes field 3 (state); utime and stime are fields 14 and 15.
    std::string_view rest = stat.substr(paren + 1);
    std::optional<std::uint64_t> utime;
    for (int field = 3; field <= 15; ++field) {
        const std::size_t start = rest.find_first_not_of(' ');
        if (start == std::string_view::npos) {
            return std::nullopt;
        }
        rest = rest.substr(start);
        const std::size_t end = rest.find(' ');
        const std::string_view value = rest.substr(0, end);
        if (field == 14) {
            utime = number_at(value);
        } else if (field == 15) {
            auto stime = number_at(value);
            if (!utime || !stime) {
                return std::nullopt;
            }
            return *utime + *stime;
        }
        if (end == std::string_view::npos) {
            return std::nullopt;
        }
        rest = rest.substr(end);
    }
    return std::nullopt;
}

std::optional<std::uint64_t> parse_status_kb(std::string_view status, std::string_view name)
{
    std::size_t at = 0;
    while (at < status.size()) {
        const std::size_t eol = status.find('\n', at);
        const std::string_view line = status.substr(at, eol == std::string_view::npos ? eol : eol - at);
        if (line.starts_with(name) && line.size() > name.size() && line[name.size()] == ':') {
            std::string_view value = line.substr(name.size() + 1);
            value.remove_prefix(std::min(value.find_first_not_of(" \t"), value.size()));
            return number_at(value);
        }
        if (eol == std::string_view::npos) {
            break;
        }
        at = eol + 1;
    }
    return std::nullopt;
}

std::optional<ProcessSample> sample_process(int pid)
{
    const std::string dir = "/proc/" + std::to_string(pid);
    auto stat = slurp(dir + "/stat");
    auto status = slurp(dir + "/status");
    if (!stat || !status) {
        return std::nullopt;
    }
    auto ticks = parse_stat_cpu_ticks(*stat);
    if (!ticks) {
        return std::nullopt;
    }
    ProcessSample out;
    out.cpu_s = static_cast<double>(*ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
    out.peak_rss_kb = parse_status_kb(*status, "VmHWM").value_or(0);
    out.rss_kb = parse_status_kb(*status, "VmRSS").value_or(0);
    return out;
}

ServerWatch::ServerWatch(int pid, std::optional<std::pair<SteadyPoint, SteadyPoint>> window)
    : pid_(pid), window_(window), at_start_(sample_process(pid))
{
    if (!at_start_) {
        std::fprintf(stderr, "ocpp-sim: warning: --server-pid %d: cannot read /proc/%d; no server figures\n", pid, pid);
        return;
    }
    if (window_) {
        thread_ = std::thread([this] { watch(); });
    }
}

ServerWatch::~ServerWatch()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
}

void ServerWatch::watch()
{
    std::unique_lock lock(mutex_);
    if (wake_.wait_until(lock, window_->first, [this] { return stopping_; })) {
        return;
    }
    at_window_start_ = sample_process(pid_);
    if (wake_.wait_until(lock, window_->second, [this] { return stopping_; })) {
        return;
    }
    at_window_end_ = sample_process(pid_);
}

std::optional<ServerUsage> ServerWatch::finish(std::uint64_t measured_calls, std::uint64_t handshakes)
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
    if (!at_start_) {
        return std::nullopt;
    }
    // A server killed mid-run (durability runs) keeps its last readable sample.
    auto at_end = sample_process(pid_);
    const ProcessSample last = at_end             ? *at_end
                               : at_window_end_   ? *at_window_end_
                               : at_window_start_ ? *at_window_start_
                                                  : *at_start_;
    ServerUsage usage;
    usage.peak_rss_kb = last.peak_rss_kb;
    usage.rss_kb = last.rss_kb;
    double handshake_cpu_s = last.cpu_s - at_start_->cpu_s;
    usage.cpu_s = handshake_cpu_s;
    if (window_) {
        const ProcessSample from = at_window_start_.value_or(*at_start_);
        const ProcessSample to = at_window_end_.value_or(last);
        usage.cpu_s = to.cpu_s - from.cpu_s;
        handshake_cpu_s = from.cpu_s - at_start_->cpu_s;
    }
    if (measured_calls > 0) {
        usage.cpu_ms_per_1000_calls = usage.cpu_s * 1e6 / static_cast<double>(measured_calls);
    }
    if (handshakes > 0) {
        usage.cpu_ms_per_1000_handshakes = handshake_cpu_s * 1e6 / static_cast<double>(handshakes);
    }
    return usage;
}

} // namespace csms::sim
