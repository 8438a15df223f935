#include "rules/condition_tracker.hpp"

#include <catch2/catch.hpp>

using csms::rules::ConditionTracker;
using Change = ConditionTracker::Change;
using namespace std::chrono_literals;

namespace {

csms::base::SysTime t(std::int64_t seconds)
{
    return csms::base::SysTime{std::chrono::milliseconds{1'767'225'600'000 + seconds * 1000}};
}

} // namespace

TEST_CASE("Hysteresis: an alert opens only once the condition has held for its duration", "[rules][hysteresis]")
{
    ConditionTracker tracker(30s, 60s);
    CHECK(tracker.observe(true, t(0)) == Change::none);
    CHECK(tracker.observe(true, t(20)) == Change::none);
    CHECK(tracker.observe(true, t(30)) == Change::open);
    CHECK(tracker.active());
    // A flood of further hot samples raises nothing more.
    for (int s = 31; s < 200; ++s) {
        CHECK(tracker.observe(true, t(s)) == Change::none);
    }
}

TEST_CASE("Hysteresis: a dip shorter than the hold restarts the count", "[rules][hysteresis]")
{
    ConditionTracker tracker(30s, 60s);
    tracker.observe(true, t(0));
    CHECK(tracker.observe(false, t(25)) == Change::none);
    CHECK(tracker.observe(true, t(26)) == Change::none);
    CHECK(tracker.observe(true, t(50)) == Change::none);
    CHECK(tracker.observe(true, t(56)) == Change::open);
}

TEST_CASE("Hysteresis: an open alert clears only after the condition has been false for the clear delay",
          "[rules][hysteresis]")
{
    ConditionTracker tracker(0s, 60s);
    CHECK(tracker.observe(true, t(0)) == Change::open); // no hold: the first observation opens
    CHECK(tracker.observe(false, t(10)) == Change::none);
    CHECK(tracker.observe(true, t(40)) == Change::none); // back before the delay: stays open
    CHECK(tracker.observe(false, t(50)) == Change::none);
    CHECK(tracker.observe(false, t(109)) == Change::none);
    CHECK(tracker.observe(false, t(110)) == Change::clear);
    CHECK_FALSE(tracker.active());
    CHECK(tracker.observe(false, t(500)) == Change::none);
    CHECK(tracker.observe(true, t(501)) == Change::open); // a new episode is a new alert
}

TEST_CASE("Hysteresis: observations older than the newest are ignored", "[rules][hysteresis]")
{
    ConditionTracker tracker(0s, 0s);
    CHECK(tracker.observe(true, t(100)) == Change::open);
    CHECK(tracker.observe(false, t(50)) == Change::none); // a replayed old sample
    CHECK(tracker.active());
    CHECK(tracker.observe(false, t(101)) == Change::clear);
}

TEST_CASE("Hysteresis: an alert restored from the store clears like any other", "[rules][hysteresis]")
{
    ConditionTracker tracker(30s, 10s);
    tracker.restore_active(t(0));
    CHECK(tracker.active());
    CHECK(tracker.observe(true, t(5)) == Change::none);
    CHECK(tracker.observe(false, t(6)) == Change::none);
    CHECK(tracker.observe(false, t(16)) == Change::clear);
}
