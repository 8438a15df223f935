#pragma once
// Every live WebSocket session, so shutdown can close them all. Holds weak
// references: a session's lifetime is its own I/O.

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace csms::net {

class WsSession;

class SessionSet {
public:
    void add(const std::shared_ptr<WsSession>& c)
    {
        std::lock_guard lock(mutex_);
        sessions_[c.get()] = c;
    }
    void remove(const WsSession* c)
    {
        std::lock_guard lock(mutex_);
        sessions_.erase(c);
    }
    std::size_t size() const
    {
        std::lock_guard lock(mutex_);
        return sessions_.size();
    }
    // Copies the references under the lock and acts on them after it.
    std::vector<std::shared_ptr<WsSession>> snapshot() const
    {
        std::vector<std::shared_ptr<WsSession>> out;
        std::lock_guard lock(mutex_);
        for (const auto& [_, weak] : sessions_) {
            if (auto c = weak.lock()) {
                out.push_back(std::move(c));
            }
        }
        return out;
    }

private:
    mutable std::mutex mutex_;
    std::unordered_map<const WsSession*, std::weak_ptr<WsSession>> sessions_;
};

} // namespace csms::net
