#include "net/upgrade_gate.hpp"

#include <optional>

namespace csms::net {

void UpgradeGate::enter(tcp::socket&& socket)
{
    {
        std::lock_guard lock(mutex_);
        if (closed_) {
            return; // the socket closes as it goes out of scope
        }
        if (running_ >= max_running_) {
            waiting_.push_back(std::move(socket));
            return;
        }
        ++running_;
    }
    start_(std::move(socket), Ticket(shared_from_this()));
}

void UpgradeGate::leave()
{
    std::optional<tcp::socket> next;
    {
        std::lock_guard lock(mutex_);
        if (closed_ || waiting_.empty()) {
            --running_;
            return;
        }
        // The place passes straight to the oldest waiting connection.
        next.emplace(std::move(waiting_.front()));
        waiting_.pop_front();
    }
    start_(std::move(*next), Ticket(shared_from_this()));
}

void UpgradeGate::close()
{
    std::deque<tcp::socket> dropped;
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        dropped.swap(waiting_);
    }
    // Destroying them closes their descriptors; no operation is pending on a
    // waiting socket.
}

std::size_t UpgradeGate::waiting() const
{
    std::lock_guard lock(mutex_);
    return waiting_.size();
}

} // namespace csms::net
