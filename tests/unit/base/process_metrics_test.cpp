#include "base/process_metrics.hpp"

#include <catch2/catch.hpp>

#include <ctime>
#include <optional>
#include <regex>

namespace {

// The value of an unlabelled sample, after its HELP and TYPE lines.
std::optional<double> value_of(const std::string& text, const std::string& name, const std::string& type)
{
    std::smatch m;
    const std::regex re("# HELP " + name + " [^\n]+\n# TYPE " + name + " " + type + "\n" + name + " ([^\n]+)\n");
    if (!std::regex_search(text, m, re)) {
        return std::nullopt;
    }
    return std::stod(m[1]);
}

} // namespace

TEST_CASE("process metrics: CPU, memory, descriptors and start time of this process", "[base][metrics]")
{
    auto text = csms::base::render_process_metrics();
    INFO(text);
    auto cpu = value_of(text, "process_cpu_seconds_total", "counter");
    auto rss = value_of(text, "process_resident_memory_bytes", "gauge");
    auto fds = value_of(text, "process_open_fds", "gauge");
    auto started = value_of(text, "process_start_time_seconds", "gauge");
    REQUIRE(cpu);
    REQUIRE(rss);
    REQUIRE(fds);
    REQUIRE(started);
    CHECK(*cpu >= 0);
    CHECK(*rss > 1024 * 1024); // a test binary holds more than a megabyte
    CHECK(*fds >= 3);          // stdin, stdout, stderr
    const auto now = static_cast<double>(std::time(nullptr));
    CHECK(*started <= now + 1);
    CHECK(*started > now - 3600); // started by this test run, not at boot or the epoch
    CHECK(value_of(text, "process_max_fds", "gauge"));
}
