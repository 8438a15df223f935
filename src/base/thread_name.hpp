#pragma once
// Names the calling thread as `top -H`, perf and gdb show it: the kernel
// keeps 15 characters, so longer names are cut.
#include <string_view>

namespace csms::base {

void name_this_thread(std::string_view name);

} // namespace csms::base
