#include "rules/condition_tracker.hpp"

namespace csms::rules {

ConditionTracker::ConditionTracker(std::chrono::seconds hold, std::chrono::seconds clear_after)
    : hold_(hold), clear_after_(clear_after)
{
}

ConditionTracker::Change ConditionTracker::observe(bool condition, base::SysTime at)
{
    if (newest_ && at < *newest_) {
        return Change::none;
    }
    newest_ = at;
    if (condition) {
        false_since_.reset();
        if (!true_since_) {
            true_since_ = at;
        }
        if (!active_ && at - *true_since_ >= hold_) {
            active_ = true;
            return Change::open;
        }
        return Change::none;
    }
    true_since_.reset();
    if (!active_) {
        return Change::none;
    }
    if (!false_since_) {
        false_since_ = at;
    }
    if (at - *false_since_ >= clear_after_) {
        active_ = false;
        false_since_.reset();
        return Change::clear;
    }
    return Change::none;
}

void ConditionTracker::restore_active(base::SysTime at)
{
    active_ = true;
    true_since_ = at;
    false_since_.reset();
    newest_ = at;
}

} // namespace csms::rules
