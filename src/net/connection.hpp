#pragma once
// The seam between the WebSocket layer and the protocol above it. net/ knows
// nothing of OCPP: it hands text frames to a FrameSink and offers the sink a
// Connection to answer on.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace csms::net {

// Thread-safe: every method may be called from any thread; work is posted to
// the session's strand.
class Connection {
public:
    virtual ~Connection() = default;
    // Queues a text frame; frames leave in order, one write in flight.
    virtual void send_text(std::string text) = 0;
    // Sends the queued frames, then a close frame with this code.
    virtual void close(std::uint16_t code, std::string reason) = 0;
    // Drops the TCP connection at once, without a close handshake: for a
    // peer that ignored close().
    virtual void abort() = 0;
    // Runs fn on the session's strand.
    virtual void post(std::function<void()> fn) = 0;
    // Runs fn on the session's strand after delay, unless the session ended.
    virtual void run_after(std::chrono::milliseconds delay, std::function<void()> fn) = 0;
    // Restarts the read loop after the sink returned false from on_text().
    virtual void resume_reading() = 0;
    virtual const std::string& remote_address() const = 0;
};

// Implemented by the protocol layer; called on the session's strand only.
class FrameSink {
public:
    virtual ~FrameSink() = default;
    // Returns false to pause reading until Connection::resume_reading().
    virtual bool on_text(std::string text) = 0;
    virtual void on_binary(std::string data) = 0;
    // The session is gone (peer closed, error, replaced or shutdown).
    virtual void on_closed() = 0;
};

// Who is at the other end, established during the HTTP upgrade.
struct PeerIdentity {
    std::string charger_id; // percent-decoded last path segment of /ocpp/{id}
    std::string remote_address;
    bool tls = false; // arrived over wss
};

// What the upgrade knows about a connecting charger, for the authorizer.
struct UpgradeRequest {
    std::string charger_id;
    std::string remote_address;
    bool tls = false;
    std::string authorization; // the raw Authorization header, "" if none
    // Set only when the charger presented a client certificate that chained
    // to the configured CA (checked by the TLS layer): its subject CN.
    std::optional<std::string> client_certificate_cn;
};

enum class UpgradeVerdict {
    accept,
    unauthorized, // answered 401, revealing nothing about why
    unavailable,  // not decided now (e.g. too many checks waiting): 503 with Retry-After
};

// Decides whether a charger may upgrade. May answer later, from any thread
// (e.g. after a slow password hash on a worker thread); the upgrade posts
// the verdict back to its own strand. `decide` is called at most once: only
// an authorizer that is shutting down may destroy it uncalled, and the
// upgrade then ends at its handshake deadline (or with the io_context).
using UpgradeAuthorizer =
    std::function<void(const UpgradeRequest& request, std::function<void(UpgradeVerdict)> decide)>;

// Called once per accepted WebSocket; returns the sink for its frames.
using SinkFactory = std::function<std::shared_ptr<FrameSink>(const std::shared_ptr<Connection>&, const PeerIdentity&)>;

} // namespace csms::net
