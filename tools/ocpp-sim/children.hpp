#pragma once
// --processes N: forks the children before the caller has created any
// io_context or thread, runs one slice in each, and adds up what they send
// back (RunTotals as one JSON line over a pipe). One process is limited to
// its own open-file limit and one core; children are not.
#include "options.hpp"
#include "stats.hpp"

#include <functional>
#include <string>
#include <vector>

namespace csms::sim {

struct ChildrenResult {
    RunTotals totals;                  // of the children that reported
    std::vector<std::string> problems; // one line per child that crashed or sent nothing
};

// body runs in child `index` (0-based) for its slice and returns its totals;
// an exception it throws is reported as the child's failure. after_fork runs
// in the parent once every child has been forked, before the wait.
// SIGINT and SIGTERM sent to the parent are passed on to the children.
ChildrenResult run_children(int processes, int chargers, const std::function<RunTotals(int, Slice)>& body,
                            const std::function<void()>& after_fork);

} // namespace csms::sim
