#pragma once
// One process's share of a run: its chargers on one io_context with
// --threads threads, until every charger has finished. With --processes N
// each child runs one slice (options.hpp, process_slice); all share one plan,
// so the ramp and the load window are the same for every child.
#include "charger.hpp"
#include "load_schedule.hpp"
#include "options.hpp"
#include "stats.hpp"

#include <memory>
#include <string>

namespace csms::sim {

// The timeline of a run, fixed before any child is forked.
struct RunPlan {
    Mode mode = Mode::script;
    SteadyPoint started{};
    // load: connections are spread over [started, started + spread); the
    // measured window opens `settle` later and lasts --duration.
    SteadyPoint load_start{};
    SteadyPoint load_end{};
};

RunPlan plan_run(const Options& options, SteadyPoint now);

// The delay of charger `number` (1-based) after the start: --ramp-seconds
// spreads all chargers evenly, else --connect-rate; storm dials at once.
SteadyDuration connect_delay(const Options& options, int number);

// tls: null for ws://. durability_path: empty for none. Throws on errors that
// end the run (an unwritable durability log).
RunTotals run_slice(const Options& options, const WsUrl& url, Slice slice, const RunPlan& plan,
                    std::shared_ptr<TlsClient> tls, const std::string& durability_path);

} // namespace csms::sim
