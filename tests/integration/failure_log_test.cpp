// When an end-to-end assertion fails, the stderr of every csmsd still running
// is printed once per test case: the server's side of the story.
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include "support/csmsd_process.hpp"

#include <catch2/catch.hpp>

#include <iostream>

namespace {

struct CsmsdLogOnFailure : Catch::TestEventListenerBase {
    using TestEventListenerBase::TestEventListenerBase;

    void testCaseStarting(const Catch::TestCaseInfo& info) override
    {
        printed_ = false;
        TestEventListenerBase::testCaseStarting(info);
    }

    bool assertionEnded(const Catch::AssertionStats& stats) override
    {
        if (!stats.assertionResult.isOk() && !printed_) {
            printed_ = true;
            std::lock_guard lock(csms::test::live_logs().mutex);
            for (const auto& path : csms::test::live_logs().paths) {
                std::cerr << "----- csmsd stderr (" << path << ") -----\n"
                          << csms::test::log_tail(path) << "----- end of csmsd stderr -----\n";
            }
        }
        return TestEventListenerBase::assertionEnded(stats);
    }

private:
    bool printed_ = false;
};

} // namespace

CATCH_REGISTER_LISTENER(CsmsdLogOnFailure)
