#pragma once
// One of the max_connections places, held from the upgrade's checks to the
// end of the session. Internal to net/.
#include <atomic>
#include <cstddef>
#include <utility>

namespace csms::net {

class ConnectionSlot {
public:
    ConnectionSlot() = default;
    ConnectionSlot(ConnectionSlot&& other) noexcept : count_(std::exchange(other.count_, nullptr)) {}
    ConnectionSlot& operator=(ConnectionSlot&& other) noexcept
    {
        if (this != &other) {
            release();
            count_ = std::exchange(other.count_, nullptr);
        }
        return *this;
    }
    ConnectionSlot(const ConnectionSlot&) = delete;
    ConnectionSlot& operator=(const ConnectionSlot&) = delete;
    ~ConnectionSlot() { release(); }

    // Takes a place unless `max` are taken; the count outlives the slot (the
    // listener context holds it and every holder of a slot holds the context).
    static ConnectionSlot try_take(std::atomic<std::size_t>& count, std::size_t max)
    {
        std::size_t now = count.load(std::memory_order_relaxed);
        do {
            if (now >= max) {
                return {};
            }
        } while (!count.compare_exchange_weak(now, now + 1, std::memory_order_relaxed));
        ConnectionSlot slot;
        slot.count_ = &count;
        return slot;
    }

    explicit operator bool() const { return count_ != nullptr; }

    void release()
    {
        if (count_ != nullptr) {
            count_->fetch_sub(1, std::memory_order_relaxed);
            count_ = nullptr;
        }
    }

private:
    std::atomic<std::size_t>* count_ = nullptr;
};

} // namespace csms::net
