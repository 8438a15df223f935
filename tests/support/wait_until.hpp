#pragma once
// Polls a condition until it holds or a deadline passes. For state that has
// no event to wait on (a child's exit, a row appearing); never a fixed sleep.
#include <chrono>
#include <thread>

namespace csms::test {

template <class Condition>
bool wait_until(Condition condition, std::chrono::milliseconds limit,
                std::chrono::milliseconds poll = std::chrono::milliseconds(10))
{
    auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        if (condition()) {
            return true;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(poll);
    }
}

} // namespace csms::test
