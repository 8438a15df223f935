#include "ctl/deadline.hpp"

#include <catch2/catch.hpp>

#include <future>
#include <memory>
#include <stdexcept>

using namespace csms::ctl;
using namespace std::chrono_literals;

TEST_CASE("call_with_deadline returns the value of a call that ends in time", "[ctl][deadline]")
{
    auto value = call_with_deadline<int>([] { return 42; }, 10s);
    REQUIRE(value);
    CHECK(*value == 42);
}

TEST_CASE("call_with_deadline gives up on a call that does not end in time", "[ctl][deadline]")
{
    // The call blocks until the test opens the gate, the way a name server
    // that never answers holds getaddrinfo().
    auto gate = std::make_shared<std::promise<void>>();
    auto opened = gate->get_future().share();
    auto finished = std::make_shared<std::promise<void>>();
    auto done = finished->get_future();
    auto started = std::chrono::steady_clock::now();
    auto value = call_with_deadline<int>(
        [opened, finished] {
            opened.wait();
            finished->set_value();
            return 1;
        },
        50ms);
    auto waited = std::chrono::steady_clock::now() - started;
    CHECK_FALSE(value);
    CHECK(waited >= 50ms);
    CHECK(waited < 5s);
    // The abandoned call still ends, on its own thread, once it can.
    gate->set_value();
    CHECK(done.wait_for(10s) == std::future_status::ready);
}

TEST_CASE("call_with_deadline rethrows what the call threw", "[ctl][deadline]")
{
    CHECK_THROWS_WITH(call_with_deadline<int>([]() -> int { throw std::runtime_error("no such host"); }, 10s),
                      "no such host");
}
