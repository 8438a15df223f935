#pragma once
// A synchronous WebSocket client for end-to-end tests: every operation has a
// deadline, nothing blocks forever. Beast lives in ws_client.cpp.
#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

namespace csms::test {

using namespace std::chrono_literals;

struct ConnectResult {
    bool ok = false;
    unsigned http_status = 0; // 101 on success, else the refusal's status (0: no HTTP answer)
    std::string subprotocol;  // Sec-WebSocket-Protocol of the answer
    std::string error;
};

enum class ReadStatus { message, timeout, closed };

struct ReadResult {
    ReadStatus status = ReadStatus::timeout;
    std::string text;
    bool binary = false;
    std::optional<std::uint16_t> close_code; // when closed with a close frame
    std::string error;                       // when closed without one
};

inline std::string to_string(ReadStatus s)
{
    switch (s) {
    case ReadStatus::message:
        return "message";
    case ReadStatus::timeout:
        return "timeout";
    case ReadStatus::closed:
        return "closed";
    }
    return "?";
}

// How to connect: subprotocol, credentials, and TLS for wss.
struct ConnectOptions {
    std::string subprotocol = "ocpp1.6"; // "" offers none
    std::string authorization;           // the Authorization header, "" = none
    bool tls = false;
    std::string ca_file;            // verify the server against this CA
    std::string client_certificate; // PEM; "" = no client certificate
    std::string client_key;
    int max_tls_version = 0; // e.g. TLS1_1_VERSION (0x0302) to offer only TLS 1.1; 0 = default
};

// "Basic base64(user:password)".
std::string basic_authorization(const std::string& user, const std::string& password);

class WsClientImpl;

class WsClient {
public:
    WsClient();
    ~WsClient();
    WsClient(const WsClient&) = delete;
    WsClient& operator=(const WsClient&) = delete;

    // Connects to ws://127.0.0.1:port{path}; an empty subprotocol offers none.
    ConnectResult connect(std::uint16_t port, const std::string& path, const std::string& subprotocol = "ocpp1.6",
                          std::chrono::milliseconds limit = 5s);
    // The same with credentials and TLS: wss://localhost:port{path}.
    ConnectResult connect(std::uint16_t port, const std::string& path, const ConnectOptions& options,
                          std::chrono::milliseconds limit = 5s);
    bool send_text(const std::string& text, std::chrono::milliseconds limit = 5s);
    bool send_binary(const std::string& data, std::chrono::milliseconds limit = 5s);
    // The next message from the server, or closed, or timeout.
    ReadResult read(std::chrono::milliseconds limit = 5s);
    // Sends a CALL and returns the reply with the same unique id, parsed;
    // throws when none comes within the limit.
    rapidjson::Document call(const std::string& action, const std::string& payload_json,
                             std::chrono::milliseconds limit = 10s);
    // Sends any text and returns the reply carrying unique id `id`.
    rapidjson::Document send_and_wait(const std::string& frame, const std::string& id,
                                      std::chrono::milliseconds limit = 10s);
    // Waits until the server closes the connection.
    ReadResult wait_closed(std::chrono::milliseconds limit = 5s);
    // A polite close from our side (code 1000), waiting for the echo.
    void close(std::chrono::milliseconds limit = 5s);
    bool is_closed() const;
    const std::deque<std::string>& unmatched() const;

private:
    std::unique_ptr<WsClientImpl> impl_;
};

} // namespace csms::test
