#include "base/guarded_run.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

TEST_CASE("run_guarded: a handler that throws is logged and the handlers after it still run", "[base][threads]")
{
    boost::asio::io_context io;
    std::vector<int> ran;
    boost::asio::post(io, [&] { ran.push_back(1); });
    boost::asio::post(io, [] { throw std::runtime_error("a partner sent nonsense"); });
    boost::asio::post(io, [] { throw 42; }); // not even a std::exception
    boost::asio::post(io, [&] { ran.push_back(2); });

    csms::base::run_guarded(io, "a test loop"); // returns once the loop runs out of work

    CHECK(ran == std::vector<int>{1, 2});
    CHECK(io.stopped());
}
