#pragma once
// One charger of the load generator (--mode load or storm): the WebSocket
// client of the scripted charger (client.hpp), driven by time instead of a
// script, and able to reconnect.
//
// load:  connect, BootNotification, StatusNotification(Available), and
//        StartTransaction when MeterValues are due; then Heartbeat and
//        MeterValues on fixed grids in [load_start, load_end) (open loop,
//        load_schedule.hpp), StopTransaction, close 1000.
//        closed_loop: StartTransaction always; from load_start to load_end
//        the next call of the mix (load_mix.hpp) leaves as soon as the last
//        one's answer came: MeterValues from a LiveMeter, Heartbeat,
//        StatusNotification(Charging).
// storm: dial at once; any failure up to an acknowledged StatusNotification
//        after an Accepted BootNotification is retried on the charger's
//        RetryKind until the storm deadline; then hold, with heartbeats.
//
// Lifetime and threading as for make_charger().
#include "base/clock.hpp"
#include "charger.hpp"
#include "durability_log.hpp"
#include "frame_log.hpp"
#include "load_mix.hpp"
#include "load_schedule.hpp"
#include "retry.hpp"
#include "source_addresses.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace csms::sim {

struct LoadSettings {
    bool storm = false; // else load
    int number = 1;     // the charger number: seeds its randomness, picks its RetryKind
    std::string charge_point_id;
    std::string id_tag;
    std::string host_header;   // HOST[:PORT]
    std::string target;        // "/ocpp/SIM-0001"
    std::string authorization; // Authorization header value; empty: none
    SteadyPoint connect_at{};  // the first dial
    std::chrono::milliseconds call_timeout{10'000};
    bool tls_resume = false;
    SourceAddresses* sources = nullptr; // null: the kernel picks the local address

    // load
    SteadyPoint load_start{};
    SteadyPoint load_end{};
    SteadyDuration heartbeat_interval{0};
    SteadyDuration meter_interval{0};
    DurabilityLog* durability = nullptr; // null: none; set: a dropped connection is no failure
    bool closed_loop = false;            // then the intervals are 0 and mix applies
    LoadMix mix;

    // storm
    RetryKind retry = RetryKind::fixed;
    SteadyPoint storm_deadline{};
    std::chrono::milliseconds hold{0};
};

// tls: null for ws://.
std::shared_ptr<Charger> make_load_charger(boost::asio::io_context& ioc, std::shared_ptr<const Endpoints> endpoints,
                                           std::shared_ptr<TlsClient> tls, LoadSettings settings, FrameLog& log,
                                           const base::Clock& clock, std::function<void()> on_done);

} // namespace csms::sim
