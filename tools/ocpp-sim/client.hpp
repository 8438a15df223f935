#pragma once
// The one WebSocket client of every simulated charger, whatever drives it:
// connects over ws:// or wss:// (the simulator's TLS options, --tls-resume,
// --source-addresses), upgrades with subprotocol ocpp1.6, sends CALLs one at
// a time and matches their CALLRESULT or CALLERROR by message id, answers the
// server's CALLs, and never writes once a close has begun. A connection ends
// only when every operation on it has completed; then the charger may dial
// again (storm retries).
//
// What the charger sends and when is its ChargerSchedule: the script
// (charger.cpp) or the load and storm traffic (load_charger.cpp). The client
// calls the schedule from its strand only, and the schedule drives the client
// back through the Client interface, from those calls only.
//
// Lifetime: make_client() returns a shared_ptr that owns the schedule;
// pending operations hold it too. on_done runs exactly once, on the strand,
// when the schedule calls finish(), or on stop() when no connection is up.
#include "charger.hpp"
#include "frame_log.hpp"
#include "load_schedule.hpp"
#include "ocpp/frame.hpp"
#include "source_addresses.hpp"
#include "stats.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

namespace csms::sim {

struct ClientSettings {
    std::string charge_point_id;
    std::string host_header;   // HOST[:PORT]
    std::string target;        // "/ocpp/SIM-0001"
    std::string authorization; // Authorization header value; empty: none
    std::chrono::milliseconds call_timeout{10'000};
    bool tls_resume = false;            // offer the previous connection's TLS session
    SourceAddresses* sources = nullptr; // null: the kernel picks the local address
    // The scripted charger's trace: "upgrade GET ..." and "open after 1.2 ms
    // (TLSv1.3 ...)"; otherwise only "open", which load runs print many times.
    bool describe_connection = false;
};

// How one connection ended: failed with a reason, or closed normally (or
// dropped on purpose by the schedule).
struct ConnectionEnd {
    bool failed = false;
    std::string reason;
};

using ServerCallAnswer = std::variant<rapidjson::Document, ocpp::ErrorCode>;

// What a schedule can do with its client.
class Client {
public:
    enum class Alarm { next, hold }; // two independent timers for the schedule

    virtual const std::string& id() const = 0;
    virtual ChargerStats& stats() = 0;
    virtual FrameLog& log() = 0;
    // Records the first reason only (later errors are usually consequences)
    // and traces every one.
    virtual void fail(std::string reason) = 0;

    // A new connection attempt; the previous one must have ended.
    virtual void connect() = 0;
    // The connection is open and no close has begun.
    virtual bool open() const = 0;

    // The id the next send_call() carries; precondition: no CALL in flight.
    virtual std::string_view next_call_id() = 0;
    // text: a CALL carrying next_call_id(). Its reply or its timeout comes
    // back to the schedule. result_unread: the CALLRESULT's payload is not
    // needed, so a plain "[3,"id",...]" is taken without parsing it.
    virtual void send_call(std::string_view action, std::string text, bool result_unread = false) = 0;
    virtual bool call_in_flight() const = 0;

    // Runs `what` on the strand at `at`, unless re-armed or cancelled first
    // (any close or end of the connection cancels both alarms).
    virtual void set_alarm(Alarm alarm, SteadyPoint at, std::function<void()> what) = 0;

    // Graceful: close 1000 after any write in flight; the connection ends
    // normally, or with `reason` as its failure (close_failed).
    virtual void close() = 0;
    virtual void close_failed(std::string reason) = 0;
    // Abrupt: the socket is closed, every operation ends; abort() ends the
    // connection as failed, drop() as not failed.
    virtual void abort(std::string reason) = 0;
    virtual void drop() = 0;
    // The reason a connection was lost ("server closed the connection (code
    // 1006)", "read: ...", "tls: ..."), `when` inserted after its subject.
    virtual std::string lost_reason(std::string_view when) = 0;

    // The charger is done: on_done runs (once).
    virtual void finish() = 0;

protected:
    ~Client() = default;
};

// What a charger does over its client.
class ChargerSchedule {
public:
    virtual ~ChargerSchedule() = default;

    // On the strand: the first alarm or connect().
    virtual void start(Client& client) = 0;
    // Open, and the server selected ocpp1.6: the first CALL.
    virtual void on_open(Client& client) = 0;
    // The CALL in flight was answered; its timeout is cancelled.
    virtual void on_result(Client& client, const rapidjson::Value& payload) = 0;
    virtual void on_call_error(Client& client, const ocpp::Frame& frame) = 0;
    // The CALL in flight got no reply; reason: "<Action> timed out after N ms".
    virtual void on_call_timeout(Client& client, std::string reason) = 0;
    // A CALL from the server, while open: the answer to send.
    virtual ServerCallAnswer answer(Client& client, const ocpp::Frame& frame) = 0;
    // After that answer went into the write queue.
    virtual void on_answered(Client&) {}
    // The connection broke (not by our close); call_in_flight: a CALL's reply
    // is never coming. The schedule ends the connection (abort or drop).
    virtual void on_lost(Client& client, bool call_in_flight) = 0;
    // Every operation on the connection has completed: finish() or connect().
    // Not called after stop(): the client finishes by itself then.
    virtual void on_ended(Client& client, const ConnectionEnd& end) = 0;
};

// tls: null for ws://. The returned Charger's stop() records "interrupted".
std::shared_ptr<Charger> make_client(boost::asio::io_context& ioc, std::shared_ptr<const Endpoints> endpoints,
                                     std::shared_ptr<TlsClient> tls, ClientSettings settings,
                                     std::unique_ptr<ChargerSchedule> schedule, FrameLog& log,
                                     std::function<void()> on_done);

} // namespace csms::sim
