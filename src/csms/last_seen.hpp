#pragma once
// Chargers' last-seen times (Heartbeat), coalesced in memory: a Heartbeat's
// only effect is this time, so it is answered at once and the writer stores
// the latest time per charger once per tick (one UPDATE per charger heard
// since), on Writer::flush() and at Writer::stop(). A crash loses at most one
// tick of these times and never anything a charger reported; see
// docs/decisions/0009-heartbeat-last-seen-coalesced.md.
//
// Thread-safety: note() may be called from any session strand at once. It
// takes one of several small locks, picked by the charger id, never a lock
// shared by every session.
#include "base/clock.hpp"
#include "store/database.hpp"
#include "store/writer.hpp"

#include <array>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace csms {

class LastSeen {
public:
    // Registers itself as the writer's tick; the writer must outlive it.
    explicit LastSeen(store::Writer& writer);
    ~LastSeen(); // unregisters the tick (waits for a running one)
    LastSeen(const LastSeen&) = delete;
    LastSeen& operator=(const LastSeen&) = delete;

    // Latest wins: an earlier time than the one held is ignored.
    void note(std::string_view charger_id, base::SysTime at);

    // Writes and forgets everything noted so far. Runs on the writer thread
    // (the tick), inside the batch transaction.
    void write(store::Database& db);

    // Chargers noted and not written yet.
    std::size_t pending() const;

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    using Map = std::unordered_map<std::string, base::SysTime, Hash, std::equal_to<>>;
    struct Shard {
        mutable std::mutex mutex;
        Map latest;
    };
    static constexpr std::size_t shard_count = 16;

    store::Writer& writer_;
    std::array<Shard, shard_count> shards_;
};

} // namespace csms
