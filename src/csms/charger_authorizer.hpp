#pragma once
// Decides, during the WebSocket upgrade, whether a charger may connect under
// its OCPP 1.6 security profile (Security Whitepaper edition 3):
//   0  no authentication: only if SecurityPolicy::allow_profile_0
//   1  HTTP Basic (user = charge point id, password = AuthorizationKey)
//   2  TLS + HTTP Basic
//   3  TLS with a client certificate whose CN is the charge point id
// A charger without a credentials row is profile 0, and a charger is never
// let in below its profile (a profile-2 charger on plain ws is refused).
// Every refusal is logged (never the header or password), reported through
// record_event as a FailedToAuthenticateAtCentralSystem security event and
// counted per charger id and per remote address; past max_failures within
// failure_window, attempts are refused without being checked.
//
// Where the verdict is decided (decision 0018): everything that costs no
// PBKDF2 runs inline, on the thread that calls authorize(), and decide() is
// called before authorize() returns: profile 0 and 3, every refusal found
// before the hash (no header, wrong profile for the transport, rate limit),
// and a password that verified before (an in-memory cache). Only the first
// check of a password against its stored hash (PBKDF2, 100,000 iterations,
// 20-40 ms) goes to the worker pool given at construction: decide() is then
// called later, on a pool thread, and the caller must take the verdict back
// to its own thread (net's upgrade posts it to the connection's strand). A
// storm of first checks therefore waits in the pool's queue instead of
// taking the I/O threads from chargers already connected. When the queue is
// full the verdict is UpgradeVerdict::unavailable (503, retry later; not a
// failure: nothing counted or reported). Without a pool every check runs
// inline, as unit tests do.
//
// decide() is called exactly once, except for a check still queued when the
// pool stops: it is dropped, and its decide() destroyed uncalled (on the
// thread that stops the pool). Failures are counted, logged and reported the
// same on either path, by the thread that decided.
//
// Thread-safety: authorize() may run on many threads at once. The read-only
// database connection and the in-memory state each sit behind their own
// mutex, neither is held while a password is hashed or a callback runs.
#include "base/clock.hpp"
#include "net/connection.hpp"
#include "store/credentials_store.hpp"
#include "store/database.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace csms::base {
class WorkerPool;
}

namespace csms {

struct SecurityPolicy {
    // Chargers without credentials (or with profile 0) may connect without
    // authentication, on ws or wss; --dev sets it.
    bool allow_profile_0 = false;
    // Failed attempts allowed per charger id and per remote address within
    // failure_window; further attempts are refused without being checked.
    // 0 turns the limit off.
    int max_failures = 5;
    std::chrono::seconds failure_window{60};
};

// The security event type every refusal is reported as.
inline constexpr std::string_view failed_authentication_event = "FailedToAuthenticateAtCentralSystem";

class ChargerAuthorizer {
public:
    using RecordEvent = std::function<void(store::SecurityEventRecord)>;

    using Decide = std::function<void(net::UpgradeVerdict)>;

    // Opens db_path read-only (it must exist and be migrated: create the
    // Writer first); throws SqliteError otherwise. record_event is called for
    // every reported refusal, on the thread that decided (the caller of
    // authorize() or a pool thread), with no lock held; it should only queue
    // the write (e.g. Writer::submit).
    // password_checks: where first password checks run; null = inline. Its
    // jobs use this object: stop the pool before destroying this.
    ChargerAuthorizer(const std::string& db_path, SecurityPolicy policy, const base::Clock& clock,
                      RecordEvent record_event, base::WorkerPool* password_checks = nullptr);
    ChargerAuthorizer(const ChargerAuthorizer&) = delete;
    ChargerAuthorizer& operator=(const ChargerAuthorizer&) = delete;

    // Never throws past decide(): an internal error is a refusal (logged).
    void authorize(const net::UpgradeRequest& request, Decide decide);

    // Forwards to authorize(); this object must outlive every listener using it.
    net::UpgradeAuthorizer as_net_authorizer();

private:
    using Digest = std::array<unsigned char, 32>;

    // The latest failures of one charger id or one address.
    struct Failures {
        std::deque<base::SteadyTime> times; // oldest first, at most max_failures
        base::SteadyTime quiet_until{};     // the rate-limit notice was given until then
    };
    using FailureMap = std::unordered_map<std::string, Failures>;

    // The last password that verified for a charger, against which stored hash.
    struct Verified {
        Digest password_sha256{};
        std::string stored_hash;
    };

    // A presented password still to be checked against its stored hash.
    // Copies only (no move, which could leave a copy of a short password
    // behind); each copy wipes its password when it goes.
    struct PasswordCheck {
        std::string password;
        std::string stored_hash;
        Digest password_sha256{};
        PasswordCheck() = default;
        PasswordCheck(const PasswordCheck&) = default;
        PasswordCheck& operator=(const PasswordCheck&) = delete;
        ~PasswordCheck();
    };

    // nullopt: accepted, unless needs_hash was set: then the verdict is
    // verify(*needs_hash)'s. Otherwise the reason, a few words for logs and
    // events. may_hash false: only checks that cost no PBKDF2 (certificates,
    // cached passwords), for an identity or address that is rate limited;
    // needs_hash stays empty.
    std::optional<std::string_view> check(const net::UpgradeRequest& request, bool may_hash,
                                          std::optional<PasswordCheck>& needs_hash);
    std::optional<std::string_view> check_password(const net::UpgradeRequest& request, bool may_hash,
                                                   const std::optional<std::string>& stored_hash,
                                                   std::optional<PasswordCheck>& needs_hash);
    // The PBKDF2 check; caches a password that verifies.
    std::optional<std::string_view> verify(const std::string& charger_id, const PasswordCheck& password);
    // Runs verify() on the pool, then decide(); unavailable if the queue is full.
    void offload(const net::UpgradeRequest& request, const PasswordCheck& password, base::SteadyTime now,
                 Decide decide);
    // The verdict for reason (nullopt = accepted), with the refusal logged,
    // counted and reported unless the attempt was rate limited.
    net::UpgradeVerdict conclude(const net::UpgradeRequest& request, std::optional<std::string_view> reason,
                                 bool limited, base::SteadyTime now);
    std::optional<store::Credentials> lookup(const std::string& charger_id);

    // true if the id or address is over the limit; gives the notice at most
    // once per window per key.
    bool rate_limited(const net::UpgradeRequest& request, base::SteadyTime now);
    bool blocked(const Failures& failures, base::SteadyTime now) const;
    // guessed_secret: the attempt tried a password for this id; only those
    // count against the id, so nobody can lock a charger out by sending it
    // requests that involve no secret at all.
    void count_failure(const net::UpgradeRequest& request, bool guessed_secret, base::SteadyTime now);
    void prune(FailureMap& map, base::SteadyTime now);
    void report(const net::UpgradeRequest& request, std::string_view reason);

    SecurityPolicy policy_;
    const base::Clock& clock_;
    RecordEvent record_event_;
    base::WorkerPool* password_checks_;

    std::mutex db_mutex_;
    store::Database db_;

    std::mutex state_mutex_;
    FailureMap failures_by_id_;
    FailureMap failures_by_address_;
    std::size_t prune_at_by_id_;
    std::size_t prune_at_by_address_;
    std::unordered_map<std::string, Verified> verified_;
};

} // namespace csms
