#pragma once
// Every live WebSocket session, so shutdown can reach them all. Holds weak
// references: a session's lifetime is its own I/O.
#include "net/connection.hpp"

#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace csms::net {

// What shutdown needs from a session besides the Connection seam.
class ManagedSession : public Connection {
public:
    // Frames read from now on are dropped unprocessed; stopped runs on the
    // session's strand once no new frame can reach the sink.
    virtual void stop_reading(std::function<void()> stopped) = 0;
};

class SessionSet {
public:
    void add(const std::shared_ptr<ManagedSession>& s)
    {
        std::lock_guard lock(mutex_);
        sessions_[s.get()] = s;
    }
    void remove(const ManagedSession* s)
    {
        std::lock_guard lock(mutex_);
        sessions_.erase(s);
    }
    std::size_t size() const
    {
        std::lock_guard lock(mutex_);
        return sessions_.size();
    }
    // Copies the references under the lock and acts on them after it.
    std::vector<std::shared_ptr<ManagedSession>> snapshot() const
    {
        std::vector<std::shared_ptr<ManagedSession>> out;
        std::lock_guard lock(mutex_);
        for (const auto& [_, weak] : sessions_) {
            if (auto s = weak.lock()) {
                out.push_back(std::move(s));
            }
        }
        return out;
    }

private:
    mutable std::mutex mutex_;
    std::unordered_map<const ManagedSession*, std::weak_ptr<ManagedSession>> sessions_;
};

} // namespace csms::net
