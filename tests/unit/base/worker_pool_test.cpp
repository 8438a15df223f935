#include "base/worker_pool.hpp"

#include "support/wait_until.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using csms::base::WorkerPool;

namespace {

// Holds a pool thread until released, so tests can fill the queue behind it.
struct Gate {
    std::promise<void> entered;
    std::promise<void> release;
    std::shared_future<void> released{release.get_future().share()};
    WorkerPool::Job job()
    {
        return [this] {
            entered.set_value();
            released.wait();
        };
    }
};

} // namespace

TEST_CASE("WorkerPool: jobs run off the caller's thread, in arrival order on one thread", "[base][worker_pool]")
{
    WorkerPool pool("test", 1, 100);
    CHECK(pool.threads() == 1);
    std::mutex mutex;
    std::vector<int> order;
    std::atomic<bool> off_caller{true};
    const auto caller = std::this_thread::get_id();
    for (int i = 0; i < 50; ++i) {
        REQUIRE(pool.try_post([&, i] {
            if (std::this_thread::get_id() == caller) {
                off_caller = false;
            }
            std::lock_guard lock(mutex);
            order.push_back(i);
        }));
    }
    REQUIRE(csms::test::wait_until(
        [&] {
            std::lock_guard lock(mutex);
            return order.size() == 50;
        },
        10s));
    CHECK(off_caller);
    for (int i = 0; i < 50; ++i) {
        CHECK(order[static_cast<std::size_t>(i)] == i);
    }
}

TEST_CASE("WorkerPool: a full queue refuses at once instead of blocking, and takes jobs again once it drains",
          "[base][worker_pool]")
{
    WorkerPool pool("test", 1, 3);
    Gate gate;
    REQUIRE(pool.try_post(gate.job()));
    gate.entered.get_future().wait(); // the only thread is busy: what follows waits in the queue
    std::atomic<int> ran{0};
    for (int i = 0; i < 3; ++i) {
        REQUIRE(pool.try_post([&] { ++ran; }));
    }
    CHECK(pool.queued() == 3);
    // Refused, and the refused job is destroyed unrun (it holds the only
    // other reference to `held`).
    auto held = std::make_shared<int>(7);
    std::weak_ptr<int> watch = held;
    CHECK_FALSE(pool.try_post([held = std::move(held), &ran] { ran += 100; }));
    CHECK(watch.expired());
    gate.release.set_value();
    REQUIRE(csms::test::wait_until([&] { return ran == 3; }, 10s));
    CHECK(pool.queued() == 0);
    CHECK(pool.try_post([&] { ++ran; }));
    REQUIRE(csms::test::wait_until([&] { return ran == 4; }, 10s));
}

TEST_CASE("WorkerPool: stop lets the running job finish, destroys the queued ones unrun and refuses new ones",
          "[base][worker_pool]")
{
    auto pool = std::make_unique<WorkerPool>("test", 2, 100);
    Gate first, second;
    REQUIRE(pool->try_post(first.job()));
    REQUIRE(pool->try_post(second.job()));
    first.entered.get_future().wait();
    second.entered.get_future().wait();
    std::atomic<int> ran{0};
    auto held = std::make_shared<int>(1);
    std::weak_ptr<int> watch = held;
    for (int i = 0; i < 10; ++i) {
        REQUIRE(pool->try_post([held, &ran] { ++ran; }));
    }
    held.reset();
    CHECK_FALSE(watch.expired());

    std::atomic<bool> stopped{false};
    std::thread stopper([&] {
        pool->stop();
        stopped = true;
    });
    // The queued jobs go before stop() waits for the running ones.
    REQUIRE(csms::test::wait_until([&] { return watch.expired(); }, 10s));
    CHECK_FALSE(stopped);
    CHECK_FALSE(pool->try_post([&] { ran += 100; }));
    first.release.set_value();
    second.release.set_value();
    stopper.join();
    CHECK(stopped);
    CHECK(ran == 0);
    pool->stop(); // again: harmless
    pool.reset(); // and the destructor after it
}

TEST_CASE("WorkerPool: a job that throws is logged and the thread goes on", "[base][worker_pool]")
{
    WorkerPool pool("test", 1, 10);
    std::atomic<bool> ran{false};
    REQUIRE(pool.try_post([] { throw std::runtime_error("a failing job"); }));
    REQUIRE(pool.try_post([&] { ran = true; }));
    REQUIRE(csms::test::wait_until([&] { return ran.load(); }, 10s));
}
