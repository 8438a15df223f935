#include "children.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>

using namespace csms::sim;

namespace {

RunTotals slice_totals(Slice slice)
{
    RunTotals t;
    for (int i = slice.first; i <= slice.last; ++i) {
        ChargerStats c;
        c.charge_point_id = "SIM-" + std::to_string(i);
        c.connected = true;
        c.completed = true;
        c.calls = 3;
        c.connections = 1;
        t.add(c);
    }
    t.latency.record(slice.first * 1000);
    return t;
}

} // namespace

TEST_CASE("sim processes: children report and the parent adds them up", "[sim][processes]")
{
    bool after_fork = false;
    auto result = run_children(
        3, 10, [](int, Slice slice) { return slice_totals(slice); }, [&] { after_fork = true; });
    CHECK(after_fork);
    CHECK(result.problems.empty());
    CHECK(result.totals.chargers == 10);
    CHECK(result.totals.completed == 10);
    CHECK(result.totals.calls == 30);
    CHECK(result.totals.latency.count() == 3);
}

TEST_CASE("sim processes: a crashed child fails the run with its chargers named", "[sim][processes]")
{
    auto result = run_children(
        2, 4,
        [](int index, Slice slice) {
            if (index == 1) {
                std::signal(SIGABRT, SIG_DFL);
                std::abort();
            }
            return slice_totals(slice);
        },
        [] {});
    REQUIRE(result.problems.size() == 1);
    CHECK(result.problems[0] == "child 1 (chargers 3-4) crashed: signal 6 (Aborted)");
    CHECK(result.totals.chargers == 4);
    CHECK(result.totals.completed == 2);
    CHECK(result.totals.failure_count == 2);
}

TEST_CASE("sim processes: a child that throws reports no results", "[sim][processes]")
{
    auto result = run_children(
        2, 2,
        [](int index, Slice slice) -> RunTotals {
            if (index == 0) {
                throw std::runtime_error("cannot open the durability log");
            }
            return slice_totals(slice);
        },
        [] {});
    REQUIRE(result.problems.size() == 1);
    CHECK(result.problems[0] == "child 0 (chargers 1-1) exited with status 3 without results");
    CHECK(result.totals.completed == 1);
}
