#pragma once
// A new connection until it is a WebSocket: the TLS handshake (wss), the
// HTTP request (with limits and a deadline), the OCPP checks (path,
// subprotocol), a place under max_connections, then the authorizer's
// verdict. One deadline (handshake_timeout) covers all of it. Internal to
// net/.
//
// The verdict may come from another thread, later (a password check on the
// authorizer's worker pool): it is posted back to this connection's strand,
// and one that arrives after the deadline closed the socket does nothing.
#include "net/upgrade_gate.hpp"
#include "net/ws_session.hpp"

#include <optional>

namespace csms::net {

template <class Stream> class HttpUpgrade : public std::enable_shared_from_this<HttpUpgrade<Stream>> {
public:
    // ticket: this upgrade's place at the listener's gate.
    HttpUpgrade(tcp::socket&& socket, std::shared_ptr<ListenerContext> context, UpgradeGate::Ticket ticket);
    void run();

private:
    // gate_only: the first expiry only gives the gate place away.
    void arm_deadline(std::chrono::steady_clock::duration after, bool gate_only);
    void read_request();
    void on_read(beast::error_code ec, std::size_t bytes);
    void on_verdict(UpgradeVerdict verdict);
    // retry_after: seconds for a Retry-After header, 0 = none.
    void refuse(http::status status, std::string body, unsigned retry_after = 0);
    void close_socket();

    using std::enable_shared_from_this<HttpUpgrade<Stream>>::shared_from_this;

    std::shared_ptr<ListenerContext> context_;
    Stream stream_;
    // Closes the socket when the handshake, the request or the verdict takes
    // longer than handshake_timeout; cancelled at the handover.
    asio::steady_timer deadline_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::empty_body>> parser_;
    http::response<http::string_body> refusal_;
    UpgradeRequest identity_;
    ConnectionSlot slot_;
    UpgradeGate::Ticket ticket_;
    bool timed_out_ = false;
    bool finished_ = false; // handed over or closed: the deadline has nothing left to do
};

} // namespace csms::net
