#pragma once
// The closed-loop load's choice of the next call (--mode load --closed-loop
// --mix meter=80,heartbeat=10,status=10), without I/O. Each charger deals
// from its own deck of share-many cards, reshuffled when used up: the shares
// hold exactly over every deck, not only on average, and a charger's
// sequence depends on its seed alone, so a run can be repeated.
#include "load_schedule.hpp"

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace csms::sim {

struct LoadMix {
    int meter = 80;
    int heartbeat = 10;
    int status = 10;

    int total() const { return meter + heartbeat + status; }
    bool operator==(const LoadMix&) const = default;
};

// "meter=80,heartbeat=10,status=10"; a kind left out has share 0. The
// shares are whole numbers adding up to 1 .. max_mix_total; an error is one
// line meant for the user.
inline constexpr int max_mix_total = 10'000;
std::variant<LoadMix, std::string> parse_mix(std::string_view text);

class MixChooser {
public:
    MixChooser(const LoadMix& mix, std::uint64_t seed);

    LoadAction next();

private:
    void shuffle();

    std::vector<LoadAction> deck_;
    std::size_t dealt_ = 0;
    std::mt19937_64 rng_;
};

} // namespace csms::sim
