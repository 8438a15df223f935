#pragma once
// A partner's OCPP backend for end-to-end tests of csmsd's uplinks: a small
// WebSocket server on 127.0.0.1 accepting /ocpp/{id} with subprotocol
// ocpp1.6. It answers what csmsd forwards (StartTransaction with its own
// transaction ids from 9001 on, Authorize as told per tag, a CALLERROR for
// actions it is told to refuse), records every CALL in order with the
// Authorization header of its connection, and can send a CALL of its own to
// a charger's link. It also stands in for a charger's primary backend in
// migration tests. Plain ws, or wss with an optional client certificate.
// Its own thread; Beast lives in partner_backend.cpp.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace csms::test {

// wss instead of ws: the server's certificate, and the CA its clients'
// certificates must chain to ("" = no client certificate asked for).
struct PartnerBackendTls {
    std::string cert, key, client_ca;
};

class PartnerBackend {
public:
    struct Received {
        std::string charger_id;
        std::string action;
        std::string payload; // JSON text as sent
    };

    // port 0: any free port. Throws if it cannot listen.
    explicit PartnerBackend(std::uint16_t port = 0, std::int64_t first_transaction_id = 9001,
                            PartnerBackendTls tls = {});
    ~PartnerBackend();
    PartnerBackend(const PartnerBackend&) = delete;
    PartnerBackend& operator=(const PartnerBackend&) = delete;

    std::uint16_t port() const;
    std::vector<Received> received() const;
    // The Authorization header of each accepted connection ("" when none).
    std::vector<std::string> authorizations() const;
    // The common name of each verified client certificate (wss).
    std::vector<std::string> client_names() const;
    bool connected(const std::string& charger_id) const;

    // How it answers an Authorize for this tag: {"idTagInfo":{"status":
    // status}}, or never (nullopt). A tag it was not told about is Invalid.
    void answer_authorize(const std::string& id_tag, std::optional<std::string> status);
    // Answers every CALL of this action with [4,id,code,description,{}].
    void refuse(const std::string& action, const std::string& code, const std::string& description);

    // Sends [2,id,action,payload] on the charger's link and returns the whole
    // reply frame as text; nullopt when no link or no reply within limit.
    std::optional<std::string> call(const std::string& charger_id, const std::string& action,
                                    const std::string& payload,
                                    std::chrono::milliseconds limit = std::chrono::seconds(10));

    struct Impl;

private:
    std::shared_ptr<Impl> impl_;
};

// The actions of the calls, in order.
std::vector<std::string> actions_of(const std::vector<PartnerBackend::Received>& calls);
// The top-level transactionId of a received payload; -1 when it has none.
std::int64_t transaction_id_of(const std::string& payload);

} // namespace csms::test
