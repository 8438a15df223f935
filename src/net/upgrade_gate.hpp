#pragma once
// At most N upgrades (TLS handshake + HTTP request + verdict) run at once;
// connections beyond that wait here, accepted but untouched, in arrival
// order. Internal to net/.
//
// Why: in a reconnect storm thousands of chargers dial within a second.
// Started all at once, their handshakes fill the io_context's queue, and
// every frame of a charger that is already connected waits behind thousands
// of handshake steps (seconds of latency for the chargers that did nothing
// wrong). Gated, the queue holds at most N handshakes' work; the storm is
// served just as fast, since the CPU stays busy either way, and a waiting
// connection costs a descriptor, not CPU.
#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

namespace csms::net {
using tcp = boost::asio::ip::tcp;

class UpgradeGate : public std::enable_shared_from_this<UpgradeGate> {
public:
    // Held by a running upgrade; destroying it lets the next waiting
    // connection start.
    class Ticket {
    public:
        Ticket() = default;
        explicit Ticket(std::shared_ptr<UpgradeGate> gate) : gate_(std::move(gate)) {}
        Ticket(Ticket&&) noexcept = default;
        Ticket& operator=(Ticket&& other) noexcept
        {
            if (this != &other) {
                release();
                gate_ = std::move(other.gate_);
            }
            return *this;
        }
        Ticket(const Ticket&) = delete;
        Ticket& operator=(const Ticket&) = delete;
        ~Ticket() { release(); }

    private:
        void release()
        {
            if (auto gate = std::move(gate_)) {
                gate->leave();
            }
        }
        std::shared_ptr<UpgradeGate> gate_;
    };

    // start runs the upgrade of an admitted connection; it is called with no
    // lock held, from enter() or from a Ticket's destructor, and must only
    // post work (it may run on any thread).
    using Start = std::function<void(tcp::socket&&, Ticket)>;

    UpgradeGate(std::size_t max_running, Start start)
        : max_running_(max_running < 1 ? 1 : max_running), start_(std::move(start))
    {
    }

    // Starts the upgrade now, or queues the connection.
    void enter(tcp::socket&& socket);
    // Shutdown: closes the waiting connections and admits no more.
    void close();
    std::size_t waiting() const;

private:
    void leave();

    const std::size_t max_running_;
    Start start_;
    mutable std::mutex mutex_;
    std::deque<tcp::socket> waiting_;
    std::size_t running_ = 0;
    bool closed_ = false;
};

} // namespace csms::net
