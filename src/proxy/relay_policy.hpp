#pragma once
// What one partner's policy decides, as pure functions: whether a charger is
// the partner's, whether a charger's action is copied to it, whether its own
// call may reach a charger, and at what rate. The outbox hook and the uplink
// ask the same questions, so they cannot disagree.
#include "proxy/partner.hpp"

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace csms::proxy {

// Listed by id, or placed under one of the partner's regions.
bool covers(const Partner& partner, std::string_view charger_id, const std::optional<std::string>& region);
// Whether covers() can be true without knowing the region: listed by id,
// or the partner chooses by region too.
bool may_cover(const Partner& partner, std::string_view charger_id);
// Whether a region lookup can change the answer (the partner names regions).
bool needs_region(const Partner& partner);
bool forwards(const Partner& partner, std::string_view action);
bool accepts(const Partner& partner, std::string_view action);

// The partner that is this charger's primary backend (migration), or
// nullptr: csmsd is its backend.
const Partner* primary_of(const PartnerSet& partners, std::string_view charger_id);

// ASCII letters compared without case, as OCPP compares id tags (CiString).
bool same_letter(char a, char b);
// Whether the id tag starts with one of the partner's authorize_tags.
bool authorizes(const Partner& partner, std::string_view id_tag);
// The one partner that answers Authorize for this tag (the partners file
// refuses prefixes that overlap), or nullptr: csmsd answers.
const Partner* authorizer_of(const PartnerSet& partners, std::string_view id_tag);

// A sliding one-minute window per charger: at most `per_minute` calls in any
// 60 s. Not thread-safe; each uplink thread owns one.
class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;
    explicit RateLimiter(int per_minute) : per_minute_(per_minute) {}
    // True (and the call counted) when within the rate.
    bool allow(const std::string& charger_id, Clock::time_point now);

private:
    int per_minute_;
    std::map<std::string, std::deque<Clock::time_point>, std::less<>> recent_;
};

} // namespace csms::proxy
