#include "csms/charger_authorizer.hpp"

#include "base/password_hash.hpp"
#include "base/worker_pool.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <memory>
#include <stdexcept>

namespace csms {
namespace {

constexpr std::size_t min_prune_threshold = 1024;
constexpr std::string_view wrong_key_reason = "wrong AuthorizationKey";

// A storm that fills the pool's queue logs one line per 10 s, not one per charger.
bool should_warn_queue_full()
{
    static std::atomic<std::int64_t> last{-1};
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
    std::int64_t previous = last.load();
    return (previous < 0 || now - previous >= 10) && last.compare_exchange_strong(previous, now);
}

struct BasicCredentials {
    std::string user;
    std::string password;
};

// RFC 7617: "Basic" (any case), one or more spaces, token68 base64 of
// "user:password". Charge point ids may contain ':', so a decoded text that
// starts with "expected_user:" is split there; any other at its first ':'.
std::optional<BasicCredentials> parse_basic(std::string_view header, const std::string& expected_user)
{
    constexpr std::string_view scheme = "basic";
    if (header.size() <= scheme.size() || !std::equal(scheme.begin(), scheme.end(), header.begin(), [](char a, char b) {
            return a == std::tolower(static_cast<unsigned char>(b));
        })) {
        return std::nullopt;
    }
    header.remove_prefix(scheme.size());
    auto first = header.find_first_not_of(' ');
    if (first == 0 || first == std::string_view::npos) {
        return std::nullopt;
    }
    auto decoded = base::base64_decode(header.substr(first));
    if (!decoded) {
        return std::nullopt;
    }
    auto colon = decoded->rfind(expected_user + ":", 0) == 0 ? expected_user.size() : decoded->find(':');
    if (colon == std::string::npos) {
        return std::nullopt;
    }
    BasicCredentials credentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
    OPENSSL_cleanse(decoded->data(), decoded->size());
    return credentials;
}

std::array<unsigned char, 32> sha256(std::string_view data)
{
    std::array<unsigned char, 32> digest{};
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1 ||
        size != digest.size()) {
        throw std::runtime_error("SHA-256 failed");
    }
    return digest;
}

} // namespace

ChargerAuthorizer::ChargerAuthorizer(const std::string& db_path, SecurityPolicy policy, const base::Clock& clock,
                                     RecordEvent record_event, base::WorkerPool* password_checks)
    : policy_(policy), clock_(clock), record_event_(std::move(record_event)), password_checks_(password_checks),
      db_(db_path, /*read_only=*/true), prune_at_by_id_(min_prune_threshold), prune_at_by_address_(min_prune_threshold)
{
    if (!record_event_) {
        throw std::invalid_argument("ChargerAuthorizer: record_event is required");
    }
}

net::UpgradeAuthorizer ChargerAuthorizer::as_net_authorizer()
{
    return [this](const net::UpgradeRequest& request, std::function<void(net::UpgradeVerdict)> decide) {
        authorize(request, std::move(decide));
    };
}

ChargerAuthorizer::PasswordCheck::~PasswordCheck()
{
    OPENSSL_cleanse(password.data(), password.size());
}

void ChargerAuthorizer::authorize(const net::UpgradeRequest& request, Decide decide)
{
    auto verdict = net::UpgradeVerdict::unauthorized;
    try {
        auto now = clock_.now_steady();
        // A limited identity or address still gets in with what costs no hash
        // (a valid client certificate, a password verified before), so a flood
        // of bad attempts cannot keep the real charger out.
        bool limited = rate_limited(request, now);
        std::optional<PasswordCheck> needs_hash;
        auto reason = check(request, !limited, needs_hash);
        if (!needs_hash) {
            verdict = conclude(request, reason, limited, now);
        } else if (password_checks_ == nullptr) {
            verdict = conclude(request, verify(request.charger_id, *needs_hash), limited, now);
        } else {
            // decide() goes with the job (or is called by offload itself).
            return offload(request, *needs_hash, now, std::move(decide));
        }
    } catch (const std::exception& e) {
        spdlog::error("authorizing charger {} from {} failed, refused: {}", request.charger_id, request.remote_address,
                      e.what());
    }
    decide(verdict);
}

void ChargerAuthorizer::offload(const net::UpgradeRequest& request, const PasswordCheck& password, base::SteadyTime now,
                                Decide decide)
{
    struct Queued {
        net::UpgradeRequest request; // without its Authorization header
        PasswordCheck password;
        base::SteadyTime now;
        Decide decide;
    };
    auto queued = std::make_shared<Queued>(Queued{
        net::UpgradeRequest{request.charger_id, request.remote_address, request.tls, {}, request.client_certificate_cn},
        password, now, std::move(decide)});
    bool posted = false;
    try {
        posted = password_checks_->try_post([this, queued] {
            auto verdict = net::UpgradeVerdict::unauthorized;
            try {
                verdict = conclude(queued->request, verify(queued->request.charger_id, queued->password),
                                   /*limited=*/false, queued->now);
            } catch (const std::exception& e) {
                spdlog::error("authorizing charger {} from {} failed, refused: {}", queued->request.charger_id,
                              queued->request.remote_address, e.what());
            }
            queued->decide(verdict);
        });
    } catch (const std::exception& e) {
        spdlog::error("queueing the password check of charger {} failed: {}", request.charger_id, e.what());
    }
    if (!posted) {
        // Full, or stopping (csmsd shuts down): either way, retry later.
        if (password_checks_->queued() >= password_checks_->max_queued() && should_warn_queue_full()) {
            spdlog::warn("{} password checks are waiting: answering new chargers 503 (retry later) until they are done",
                         password_checks_->max_queued());
        }
        queued->decide(net::UpgradeVerdict::unavailable);
    }
}

net::UpgradeVerdict ChargerAuthorizer::conclude(const net::UpgradeRequest& request,
                                                std::optional<std::string_view> reason, bool limited,
                                                base::SteadyTime now)
{
    if (!reason) {
        return net::UpgradeVerdict::accept;
    }
    if (limited) {
        return net::UpgradeVerdict::unauthorized;
    }
    spdlog::warn("charger {} from {} refused: {}", request.charger_id, request.remote_address, *reason);
    {
        std::lock_guard lock(state_mutex_);
        count_failure(request, *reason == wrong_key_reason, now);
    }
    report(request, *reason);
    return net::UpgradeVerdict::unauthorized;
}

std::optional<std::string_view> ChargerAuthorizer::check(const net::UpgradeRequest& request, bool may_hash,
                                                         std::optional<PasswordCheck>& needs_hash)
{
    auto credentials = lookup(request.charger_id);
    int profile = credentials ? credentials->security_profile : 0;
    switch (profile) {
    case 0:
        if (policy_.allow_profile_0) {
            return std::nullopt;
        }
        return credentials ? "profile 0 not allowed" : "no credentials (profile 0 not allowed)";
    case 1:
        return check_password(request, may_hash, credentials->authorization_key_hash, needs_hash);
    case 2:
        if (!request.tls) {
            return "profile 2 requires TLS";
        }
        return check_password(request, may_hash, credentials->authorization_key_hash, needs_hash);
    case 3:
        if (!request.tls) {
            return "profile 3 requires TLS";
        }
        if (!request.client_certificate_cn) {
            return "no client certificate";
        }
        if (*request.client_certificate_cn != request.charger_id) {
            return "client certificate CN mismatch";
        }
        return std::nullopt;
    default:
        return "unknown security profile";
    }
}

std::optional<std::string_view> ChargerAuthorizer::check_password(const net::UpgradeRequest& request, bool may_hash,
                                                                  const std::optional<std::string>& stored_hash,
                                                                  std::optional<PasswordCheck>& needs_hash)
{
    if (request.authorization.empty()) {
        return "no Authorization header";
    }
    auto basic = parse_basic(request.authorization, request.charger_id);
    if (!basic) {
        return "malformed Basic Authorization";
    }
    // The password never outlives this function in clear.
    struct Cleanse {
        std::string& s;
        ~Cleanse() { OPENSSL_cleanse(s.data(), s.size()); }
    } cleanse{basic->password};
    if (basic->user != request.charger_id) {
        return "Basic user is not the charge point id";
    }
    if (!stored_hash) {
        return "no AuthorizationKey set";
    }
    auto digest = sha256(basic->password);
    {
        std::lock_guard lock(state_mutex_);
        auto it = verified_.find(request.charger_id);
        if (it != verified_.end() && it->second.stored_hash == *stored_hash &&
            CRYPTO_memcmp(it->second.password_sha256.data(), digest.data(), digest.size()) == 0) {
            return std::nullopt;
        }
    }
    if (!may_hash) {
        return "rate limited";
    }
    auto& pending = needs_hash.emplace();
    pending.password = basic->password; // a copy: the original is wiped by cleanse
    pending.stored_hash = *stored_hash;
    pending.password_sha256 = digest;
    return std::nullopt;
}

std::optional<std::string_view> ChargerAuthorizer::verify(const std::string& charger_id, const PasswordCheck& password)
{
    // The slow part, deliberately outside every lock.
    if (!base::verify_secret(password.password, password.stored_hash)) {
        return wrong_key_reason;
    }
    std::lock_guard lock(state_mutex_);
    verified_[charger_id] = Verified{password.password_sha256, password.stored_hash};
    return std::nullopt;
}

std::optional<store::Credentials> ChargerAuthorizer::lookup(const std::string& charger_id)
{
    std::lock_guard lock(db_mutex_);
    return store::find_credentials(db_, charger_id);
}

bool ChargerAuthorizer::blocked(const Failures& failures, base::SteadyTime now) const
{
    return policy_.max_failures > 0 && failures.times.size() >= static_cast<std::size_t>(policy_.max_failures) &&
           now - failures.times.front() < policy_.failure_window;
}

bool ChargerAuthorizer::rate_limited(const net::UpgradeRequest& request, base::SteadyTime now)
{
    if (policy_.max_failures <= 0) {
        return false;
    }
    // Which keys are over the limit and owe a notice; reported after unlocking.
    bool limited = false;
    std::optional<std::string_view> notice;
    {
        std::lock_guard lock(state_mutex_);
        auto check_key = [&](FailureMap& map, const std::string& key, std::string_view what) {
            auto it = map.find(key);
            if (it == map.end() || !blocked(it->second, now)) {
                return;
            }
            limited = true;
            if (now >= it->second.quiet_until) {
                it->second.quiet_until = now + policy_.failure_window;
                notice = what;
            }
        };
        check_key(failures_by_id_, request.charger_id, "rate limited: too many failures for this charger id");
        if (!request.remote_address.empty()) {
            check_key(failures_by_address_, request.remote_address,
                      "rate limited: too many failures from this address");
        }
    }
    if (notice) {
        spdlog::warn("charger {} from {} refused for up to {}s: {}", request.charger_id, request.remote_address,
                     policy_.failure_window.count(), *notice);
        report(request, *notice);
    }
    return limited;
}

void ChargerAuthorizer::count_failure(const net::UpgradeRequest& request, bool guessed_secret, base::SteadyTime now)
{
    if (policy_.max_failures <= 0) {
        return;
    }
    auto add = [&](FailureMap& map, std::size_t& prune_at, const std::string& key) {
        auto& times = map[key].times;
        times.push_back(now);
        while (times.size() > static_cast<std::size_t>(policy_.max_failures)) {
            times.pop_front();
        }
        if (map.size() >= prune_at) {
            prune(map, now);
            prune_at = std::max(min_prune_threshold, 2 * map.size());
        }
    };
    if (guessed_secret) {
        add(failures_by_id_, prune_at_by_id_, request.charger_id);
    }
    if (!request.remote_address.empty()) {
        add(failures_by_address_, prune_at_by_address_, request.remote_address);
    }
}

// Forgets keys whose failures all lie outside the window, so a scan over many
// ids or addresses costs memory for one window only.
void ChargerAuthorizer::prune(FailureMap& map, base::SteadyTime now)
{
    std::erase_if(map, [&](const auto& entry) {
        const auto& failures = entry.second;
        return (failures.times.empty() || now - failures.times.back() >= policy_.failure_window) &&
               now >= failures.quiet_until;
    });
}

void ChargerAuthorizer::report(const net::UpgradeRequest& request, std::string_view reason)
{
    store::SecurityEventRecord event;
    event.charger_id = request.charger_id;
    event.type = failed_authentication_event;
    event.tech_info = std::string(reason);
    event.critical = store::is_critical_security_event(failed_authentication_event);
    event.source = "csms";
    if (!request.remote_address.empty()) {
        event.remote_address = request.remote_address;
    }
    event.received_at = clock_.now_utc();
    try {
        record_event_(std::move(event));
    } catch (const std::exception& e) {
        spdlog::error("recording a security event for charger {} failed: {}", request.charger_id, e.what());
    }
}

} // namespace csms
