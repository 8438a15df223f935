#pragma once
// The process_* series every Prometheus client exports (CPU, memory, file
// descriptors, start time), read from /proc/self at each scrape: nothing is
// kept or updated between scrapes. A value /proc does not give is left out.
#include <string>

namespace csms::base {

std::string render_process_metrics();

} // namespace csms::base
