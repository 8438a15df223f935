#pragma once
// One simulated charge point: a WebSocket client on its own strand that runs
// the Scenario, one CALL in flight, and answers CALLs from the server.
//
// Lifetime: make_charger() returns a shared_ptr; pending operations hold it
// too. on_done runs exactly once, on the charger's strand, when the charger
// has finished (completed or failed); its connection may still be closing.
// stats() may be read only after the io_context has stopped running.
#include "base/clock.hpp"
#include "frame_log.hpp"
#include "scenario.hpp"
#include "stats.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace csms::sim {

struct ChargerSettings {
    ScenarioConfig scenario;
    std::string host_header; // HOST[:PORT]
    std::string target;      // "/ocpp/SIM-0001"
    std::chrono::microseconds start_delay{0};
    std::chrono::milliseconds call_timeout{10'000};
};

class Charger {
public:
    virtual ~Charger() = default;
    virtual void start() = 0;
    // Thread-safe: asks the charger to give up (SIGINT); it still calls on_done.
    virtual void stop() = 0;
    virtual const ChargerStats& stats() const = 0;
};

using Endpoints = std::vector<boost::asio::ip::tcp::endpoint>;

std::shared_ptr<Charger> make_charger(boost::asio::io_context& ioc, std::shared_ptr<const Endpoints> endpoints,
                                      ChargerSettings settings, FrameLog& log, const base::Clock& clock,
                                      std::function<void()> on_done);

} // namespace csms::sim
