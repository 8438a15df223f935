#pragma once
// Runs an event loop (anything with run(), an io_context) on the calling
// thread until it returns. A handler that throws is logged and the loop
// goes on: one bad message or partner answer must not take a thread, and
// every charger or partner it serves, down with it.
#include <spdlog/spdlog.h>

#include <exception>
#include <string_view>

namespace csms::base {

template <class Loop> void run_guarded(Loop& loop, std::string_view what) noexcept
{
    for (;;) {
        try {
            loop.run();
            return;
        } catch (const std::exception& e) {
            spdlog::error("unhandled exception in {}: {}", what, e.what());
        } catch (...) {
            spdlog::error("unhandled exception in {}", what);
        }
    }
}

} // namespace csms::base
