#pragma once
// One simulated charge point of script mode: the Scenario's CALLs, one in
// flight at a time, then the hold, answering CALLs from the server. The
// schedule lives in charger.cpp; the WebSocket client it drives, the same
// one the load generator drives, in client.hpp.
//
// Lifetime: make_charger() returns a shared_ptr; pending operations hold it
// too. on_done runs exactly once, on the charger's strand, when the charger
// has finished (completed or failed), after its connection has ended.
// stats() may be read only after the io_context has stopped running.
//
// The TLS client lives in tls_client.hpp, which only .cpp files include, so
// this header stays free of OpenSSL.
#include "base/clock.hpp"
#include "frame_log.hpp"
#include "scenario.hpp"
#include "source_addresses.hpp"
#include "stats.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace csms::sim {

struct ChargerSettings {
    ScenarioConfig scenario;
    std::string host_header;   // HOST[:PORT]
    std::string target;        // "/ocpp/SIM-0001"
    std::string authorization; // Authorization header value; empty: none
    std::chrono::microseconds start_delay{0};
    std::chrono::milliseconds call_timeout{10'000};
    std::chrono::milliseconds hold{0};  // stay connected after the script
    SourceAddresses* sources = nullptr; // null: the kernel picks the local address
};

// Shared by every wss:// charger: the verifying client context (CA, TLS 1.2+,
// a client certificate common to all) and what each connection adds to it.
class TlsClient;

struct TlsSettings {
    std::string host; // the URL host: SNI (names only) and the certificate check
    std::string ca_file;
    std::string client_cert_pattern; // "{id}" = charger id; empty: no client certificate
    std::string client_key_pattern;
    bool resume = false; // --tls-resume: keep each connection's session (TlsSession)
};

// The error is one line for the user (unreadable CA file, bad key, ...).
std::variant<std::shared_ptr<TlsClient>, std::string> make_tls_client(const TlsSettings& settings);

class Charger {
public:
    virtual ~Charger() = default;
    virtual void start() = 0;
    // Thread-safe: asks the charger to give up (SIGINT); it still calls on_done.
    virtual void stop() = 0;
    virtual const ChargerStats& stats() const = 0;
};

using Endpoints = std::vector<boost::asio::ip::tcp::endpoint>;

// tls: null for ws://.
std::shared_ptr<Charger> make_charger(boost::asio::io_context& ioc, std::shared_ptr<const Endpoints> endpoints,
                                      std::shared_ptr<TlsClient> tls, ChargerSettings settings, FrameLog& log,
                                      const base::Clock& clock, std::function<void()> on_done);

} // namespace csms::sim
