#pragma once
// Every live WebSocket session, so shutdown can close them all. Holds weak
// references: a session's lifetime is its own I/O.
#include "net/connection.hpp"

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace csms::net {

class SessionSet {
public:
    void add(const std::shared_ptr<Connection>& c)
    {
        std::lock_guard lock(mutex_);
        sessions_[c.get()] = c;
    }
    void remove(const Connection* c)
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
    std::vector<std::shared_ptr<Connection>> snapshot() const
    {
        std::vector<std::shared_ptr<Connection>> out;
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
    std::unordered_map<const Connection*, std::weak_ptr<Connection>> sessions_;
};

} // namespace csms::net
