// ChargerAuthorizer with a worker pool (decision 0018): only the first
// PBKDF2 check of a password leaves the caller's thread.
#include "base/clock.hpp"
#include "base/password_hash.hpp"
#include "base/worker_pool.hpp"
#include "csms/charger_authorizer.hpp"
#include "store/charger_store.hpp"
#include "store/credentials_store.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "support/temp_dir.hpp"
#include "support/wait_until.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

using csms::ChargerAuthorizer;
using csms::SecurityPolicy;
using csms::base::WorkerPool;
using csms::net::UpgradeRequest;
using csms::net::UpgradeVerdict;
using namespace std::chrono_literals;

namespace {

std::string basic(const std::string& user, const std::string& password)
{
    return "Basic " + csms::base::base64_encode(user + ":" + password);
}

// One verdict, however and wherever it comes.
struct Outcome {
    std::mutex mutex;
    std::optional<UpgradeVerdict> verdict;
    std::optional<std::thread::id> thread;
    int calls = 0;

    std::optional<UpgradeVerdict> get()
    {
        std::lock_guard lock(mutex);
        return verdict;
    }
    bool decided()
    {
        std::lock_guard lock(mutex);
        return calls > 0;
    }
};

class Fixture {
public:
    explicit Fixture(std::size_t max_queued = 100, int max_failures = 5)
        : pool_(std::make_unique<WorkerPool>("test checks", 1, max_queued))
    {
        csms::store::migrate(db_);
        SecurityPolicy policy;
        policy.max_failures = max_failures;
        authorizer_ = std::make_unique<ChargerAuthorizer>(
            path_, policy, clock_,
            [this](csms::store::SecurityEventRecord e) {
                std::lock_guard lock(events_mutex_);
                events_.push_back(std::move(e));
            },
            pool_.get());
    }
    ~Fixture() { pool_->stop(); } // before the authorizer its jobs use

    void secure(const std::string& id, int profile, const std::string& key = "")
    {
        csms::store::set_registration(db_, id, csms::store::Registration::accepted);
        csms::store::set_security_profile(db_, id, profile, clock_.now_utc());
        if (!key.empty()) {
            csms::store::set_authorization_key_hash(db_, id, csms::base::hash_secret(key, 1000), clock_.now_utc());
        }
    }

    // Starts an attempt; the outcome fills in whenever decide() runs.
    std::shared_ptr<Outcome> start(const std::string& id, std::string authorization, bool tls = false,
                                   std::optional<std::string> cn = std::nullopt)
    {
        auto outcome = std::make_shared<Outcome>();
        authorizer_->authorize(UpgradeRequest{id, "192.0.2.1", tls, std::move(authorization), std::move(cn)},
                               [this, outcome](UpgradeVerdict v) {
                                   ++decisions;
                                   std::lock_guard lock(outcome->mutex);
                                   ++outcome->calls;
                                   outcome->verdict = v;
                                   outcome->thread = std::this_thread::get_id();
                               });
        return outcome;
    }

    // Occupies the pool's only thread until the returned promise is set.
    std::promise<void> block_pool()
    {
        std::promise<void> release;
        auto entered = std::make_shared<std::promise<void>>();
        auto entered_future = entered->get_future();
        REQUIRE(pool_->try_post([entered, released = release.get_future().share()] {
            entered->set_value();
            released.wait();
        }));
        entered_future.wait();
        return release;
    }

    std::size_t event_count()
    {
        std::lock_guard lock(events_mutex_);
        return events_.size();
    }

    WorkerPool& pool() { return *pool_; }

    std::atomic<int> decisions{0}; // decide() calls, all attempts

private:
    csms::test::TempDir dir_;
    std::string path_ = dir_.file("csms.db");
    csms::store::Database db_{path_};
    csms::base::ManualClock clock_;
    std::unique_ptr<WorkerPool> pool_;
    std::unique_ptr<ChargerAuthorizer> authorizer_;
    std::mutex events_mutex_;
    std::vector<csms::store::SecurityEventRecord> events_;
};

} // namespace

TEST_CASE("With a pool, the first check of a password waits for the pool; a cached one and profiles 0/3 are inline",
          "[csms][security]")
{
    Fixture f;
    f.secure("CP-1", 1, "key-1");
    f.secure("CP-3", 3);
    const auto caller = std::this_thread::get_id();

    auto release = f.block_pool();
    auto first = f.start("CP-1", basic("CP-1", "key-1"));
    CHECK_FALSE(first->decided()); // queued behind the blocked job, not hashed here
    // Meanwhile what needs no hash is decided at once, on this thread.
    auto certificate = f.start("CP-3", "", true, "CP-3");
    CHECK(certificate->get() == UpgradeVerdict::accept);
    CHECK(certificate->thread == caller);
    auto no_header = f.start("CP-1", "");
    CHECK(no_header->get() == UpgradeVerdict::unauthorized);
    CHECK(no_header->thread == caller);

    release.set_value();
    REQUIRE(csms::test::wait_until([&] { return first->decided(); }, 10s));
    CHECK(first->get() == UpgradeVerdict::accept);
    CHECK(first->thread != caller);
    CHECK(first->calls == 1);

    // Verified once: the same password is now decided inline, pool blocked or not.
    auto release_again = f.block_pool();
    auto again = f.start("CP-1", basic("CP-1", "key-1"));
    CHECK(again->get() == UpgradeVerdict::accept);
    CHECK(again->thread == caller);
    release_again.set_value();
    CHECK(f.event_count() == 1); // the missing header only
}

TEST_CASE("With a pool, a wrong password is refused from the pool, reported and counted toward the rate limit",
          "[csms][security]")
{
    Fixture f(100, /*max_failures=*/2);
    f.secure("CP-1", 1, "key-1");
    for (int i = 0; i < 2; ++i) {
        auto wrong = f.start("CP-1", basic("CP-1", "not-the-key"));
        REQUIRE(csms::test::wait_until([&] { return wrong->decided(); }, 10s));
        CHECK(wrong->get() == UpgradeVerdict::unauthorized);
    }
    REQUIRE(csms::test::wait_until([&] { return f.event_count() == 2; }, 10s));
    // Limited now: refused inline without a hash, even with the right key
    // (it was never verified), and reported once as the limit's notice.
    auto limited = f.start("CP-1", basic("CP-1", "key-1"));
    CHECK(limited->get() == UpgradeVerdict::unauthorized);
    CHECK(f.event_count() == 3);
}

TEST_CASE("With a pool, a full queue answers unavailable at once, and a check dropped at stop never decides",
          "[csms][security]")
{
    Fixture f(/*max_queued=*/1);
    f.secure("CP-1", 1, "key-1");
    f.secure("CP-2", 1, "key-2");
    auto release = f.block_pool();
    auto queued = f.start("CP-1", basic("CP-1", "key-1"));
    auto refused = f.start("CP-2", basic("CP-2", "key-2"));
    CHECK(refused->get() == UpgradeVerdict::unavailable); // not a failure: nothing reported
    CHECK_FALSE(queued->decided());
    const int decided_before = f.decisions;
    std::weak_ptr<Outcome> watch = queued;
    queued.reset(); // now only the queued decide() holds it

    std::thread stopper([&] { f.pool().stop(); });
    // Dropped before stop() waits for the running job: decide() destroyed uncalled.
    REQUIRE(csms::test::wait_until([&] { return watch.expired(); }, 10s));
    release.set_value();
    stopper.join();
    CHECK(f.decisions == decided_before);
    CHECK(f.event_count() == 0);
    // A stopped pool takes nothing: retry later.
    CHECK(f.start("CP-2", basic("CP-2", "key-2"))->get() == UpgradeVerdict::unavailable);
}
