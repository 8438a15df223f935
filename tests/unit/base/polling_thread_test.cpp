#include "base/polling_thread.hpp"

#include "support/wait_until.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>

using namespace std::chrono_literals;

TEST_CASE("PollingThread: a pass with more waiting runs again at once and a throwing pass is retried",
          "[base][polling]")
{
    std::atomic<int> passes{0};
    // A long interval: only "more waiting" and wake() can make the passes come quickly.
    csms::base::PollingThread poller("test", 1h, [&] {
        int n = ++passes;
        if (n == 2) {
            throw std::runtime_error("a failing pass");
        }
        return n < 2 || (n > 2 && n < 5); // more waiting, except after the failure and at the end
    });
    poller.start();
    REQUIRE(csms::test::wait_until([&] { return passes == 2; }, 10s));
    poller.wake(); // after the failure it waits the interval, unless woken
    REQUIRE(csms::test::wait_until([&] { return passes == 5; }, 10s));
    CHECK_FALSE(poller.stopping());
    poller.stop();
    CHECK(poller.stopping());
    CHECK(passes == 5); // stopped while waiting: no pass after the last
}
