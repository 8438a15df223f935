#pragma once
// --server-pid: what the central system spent, read from /proc (Linux).
// CPU is utime + stime of /proc/PID/stat; memory VmHWM (peak) and VmRSS of
// /proc/PID/status. The parse functions are pure, for the unit tests.
#include "load_schedule.hpp"
#include "stats.hpp"

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

namespace csms::sim {

// utime + stime in clock ticks, from the text of /proc/PID/stat. The command
// name (field 2) may hold spaces and ')' so fields are counted after the last ')'.
std::optional<std::uint64_t> parse_stat_cpu_ticks(std::string_view stat);
// The value in kB of a "Name:   123 kB" line of /proc/PID/status.
std::optional<std::uint64_t> parse_status_kb(std::string_view status, std::string_view name);

struct ProcessSample {
    double cpu_s = 0;
    std::uint64_t peak_rss_kb = 0;
    std::uint64_t rss_kb = 0;
};

// nullopt when the process is gone or /proc is unreadable.
std::optional<ProcessSample> sample_process(int pid);

// Samples the server at the start of the run and, in load mode, when the
// measured window opens and closes (a thread sleeping until then), and once
// more at the end. cpu_s covers the window in load mode and the whole run
// otherwise; cpu per handshake covers the connection phase (start to window)
// in load mode and the whole run otherwise.
class ServerWatch {
public:
    // window: load mode's [start, end); nullopt for the other modes.
    ServerWatch(int pid, std::optional<std::pair<SteadyPoint, SteadyPoint>> window);
    ~ServerWatch();
    ServerWatch(const ServerWatch&) = delete;
    ServerWatch& operator=(const ServerWatch&) = delete;

    // Stops the thread, takes the last sample. nullopt (after a warning on
    // stderr) when the server could not be read at the start.
    std::optional<ServerUsage> finish(std::uint64_t measured_calls, std::uint64_t handshakes);

private:
    void watch();

    int pid_;
    std::optional<std::pair<SteadyPoint, SteadyPoint>> window_;
    std::optional<ProcessSample> at_start_, at_window_start_, at_window_end_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace csms::sim
