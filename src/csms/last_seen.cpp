#include "csms/last_seen.hpp"

#include "store/charger_store.hpp"

namespace csms {

LastSeen::LastSeen(store::Writer& writer) : writer_(writer)
{
    writer_.set_tick([this](store::Database& db) { write(db); });
}

LastSeen::~LastSeen()
{
    writer_.set_tick({});
}

void LastSeen::note(std::string_view charger_id, base::SysTime at)
{
    auto& shard = shards_[Hash{}(charger_id) % shard_count];
    std::lock_guard lock(shard.mutex);
    auto it = shard.latest.find(charger_id);
    if (it == shard.latest.end()) {
        shard.latest.emplace(std::string(charger_id), at);
    } else if (it->second < at) {
        it->second = at;
    }
}

void LastSeen::write(store::Database& db)
{
    for (auto& shard : shards_) {
        Map taken;
        {
            std::lock_guard lock(shard.mutex);
            taken.swap(shard.latest);
        }
        // If this job fails its times are lost, as in a crash: at most one
        // tick of last-seen times, and the next heartbeat brings them back.
        for (const auto& [charger_id, at] : taken) {
            store::record_heartbeat(db, charger_id, at);
        }
    }
}

std::size_t LastSeen::pending() const
{
    std::size_t n = 0;
    for (const auto& shard : shards_) {
        std::lock_guard lock(shard.mutex);
        n += shard.latest.size();
    }
    return n;
}

} // namespace csms
