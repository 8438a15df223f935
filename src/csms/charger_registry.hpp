#pragma once
// Which chargers are connected, and to which session. A charger that
// reconnects replaces its old session; the old one is closed. Small and
// guarded: one short lock per connect, disconnect or lookup, never across I/O.
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace csms {

class ChargerSession;

class ChargerRegistry {
public:
    // Returns the session this one replaces, if any.
    std::shared_ptr<ChargerSession> add(const std::string& charger_id, const std::shared_ptr<ChargerSession>& session);
    // Removes the entry only if it still points at this session, so a late
    // close of a replaced session never unregisters its successor.
    void remove(const std::string& charger_id, const ChargerSession* session);
    std::shared_ptr<ChargerSession> find(const std::string& charger_id) const;
    std::size_t size() const;

private:
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::weak_ptr<ChargerSession>> sessions_;
};

} // namespace csms
