#include "csms/charger_registry.hpp"

namespace csms {

std::shared_ptr<ChargerSession> ChargerRegistry::add(const std::string& charger_id,
                                                     const std::shared_ptr<ChargerSession>& session)
{
    std::lock_guard lock(mutex_);
    auto& slot = sessions_[charger_id];
    auto previous = slot.lock();
    slot = session;
    return previous;
}

void ChargerRegistry::remove(const std::string& charger_id, const ChargerSession* session)
{
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(charger_id);
    if (it == sessions_.end()) {
        return;
    }
    auto current = it->second.lock();
    if (!current || current.get() == session) {
        sessions_.erase(it);
    }
}

std::shared_ptr<ChargerSession> ChargerRegistry::find(const std::string& charger_id) const
{
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(charger_id);
    return it == sessions_.end() ? nullptr : it->second.lock();
}

std::size_t ChargerRegistry::size() const
{
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

} // namespace csms
