#include "load_mix.hpp"

#include <charconv>

namespace csms::sim {
namespace {

constexpr std::string_view kind_names[] = {"meter", "heartbeat", "status"};

int& share(LoadMix& mix, std::size_t kind)
{
    return kind == 0 ? mix.meter : kind == 1 ? mix.heartbeat : mix.status;
}

std::string_view next_item(std::string_view& rest)
{
    const std::size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    return item;
}

// NAME=N into mix; false when the name is unknown, repeated or N is no share.
bool parse_item(std::string_view item, LoadMix& mix, bool (&seen)[3])
{
    const std::size_t eq = item.find('=');
    const std::string_view name = item.substr(0, eq);
    for (std::size_t kind = 0; kind < 3; ++kind) {
        if (eq == std::string_view::npos || name != kind_names[kind] || seen[kind]) {
            continue;
        }
        const std::string_view digits = item.substr(eq + 1);
        int& value = share(mix, kind);
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        seen[kind] = true;
        return !digits.empty() && ec == std::errc{} && end == digits.data() + digits.size() && value >= 0 &&
               value <= max_mix_total;
    }
    return false;
}

} // namespace

std::variant<LoadMix, std::string> parse_mix(std::string_view text)
{
    LoadMix mix{0, 0, 0};
    bool seen[3] = {false, false, false};
    std::string_view rest = text;
    do {
        const std::string_view item = next_item(rest);
        if (!parse_item(item, mix, seen)) {
            return "--mix takes meter=N,heartbeat=N,status=N (each at most once), got '" + std::string(item) + "'";
        }
    } while (!rest.empty());
    if (mix.total() < 1 || mix.total() > max_mix_total) {
        return "--mix shares must add up to 1 .. " + std::to_string(max_mix_total);
    }
    return mix;
}

MixChooser::MixChooser(const LoadMix& mix, std::uint64_t seed) : rng_(seed)
{
    deck_.reserve(static_cast<std::size_t>(mix.total()));
    deck_.insert(deck_.end(), static_cast<std::size_t>(mix.meter), LoadAction::meter_values);
    deck_.insert(deck_.end(), static_cast<std::size_t>(mix.heartbeat), LoadAction::heartbeat);
    deck_.insert(deck_.end(), static_cast<std::size_t>(mix.status), LoadAction::status_notification);
    shuffle();
}

LoadAction MixChooser::next()
{
    if (dealt_ == deck_.size()) {
        shuffle();
    }
    return deck_[dealt_++];
}

void MixChooser::shuffle()
{
    // Fisher-Yates by hand: std::shuffle's sequence for a seed is the
    // library's choice, this one is ours.
    for (std::size_t i = deck_.size(); i > 1; --i) {
        const std::size_t j = static_cast<std::size_t>(rng_() % i);
        std::swap(deck_[i - 1], deck_[j]);
    }
    dealt_ = 0;
}

} // namespace csms::sim
