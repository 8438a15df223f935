#include "csms/certificate_signer.hpp"
#include "csms/handlers/handlers.hpp"
#include "csms/json.hpp"
#include "store/security_store.hpp"

#include <spdlog/spdlog.h>

namespace csms::handlers {
namespace {

using Status = store::CertificateRequestStatus;

// CertificateSigned.req certificateChain maxLength.
constexpr std::size_t max_certificate_chain = 10'000;

void record_delivery(const std::shared_ptr<ChargerSession>& self, std::int64_t request_id, Status status,
                     std::optional<std::string> reason)
{
    self->services().writer.submit(
        [request_id, status, reason = std::move(reason), at = self->now()](store::Database& db) {
            store::update_certificate_request(db, request_id, status, reason, at);
        },
        [id = self->id(), request_id, status](bool ok) {
            if (!ok) {
                spdlog::error("[{}] certificate request {} could not be marked {}", id, request_id,
                              store::to_string(status));
            }
        });
}

std::string delivery_failure(const ocpp::CallOutcome& outcome)
{
    switch (outcome.kind) {
    case ocpp::CallOutcome::Kind::result:
        return "the charger rejected the certificate";
    case ocpp::CallOutcome::Kind::call_error:
        return "the charger answered CertificateSigned with " + outcome.error_code;
    case ocpp::CallOutcome::Kind::timeout:
        return "no answer to CertificateSigned within the timeout";
    case ocpp::CallOutcome::Kind::closed:
        return "the charger disconnected before answering CertificateSigned";
    case ocpp::CallOutcome::Kind::invalid_request:
        return "CertificateSigned breaks its schema: " + outcome.error_description;
    case ocpp::CallOutcome::Kind::invalid_response:
        return "the charger's answer to CertificateSigned is invalid";
    case ocpp::CallOutcome::Kind::queue_full:
        return "too many calls queued for the charger";
    }
    return "unknown outcome";
}

// Runs on the strand while the SignCertificate answer is being built. call()
// posts to the same strand, so CertificateSigned is queued only after the
// CALLRESULT has gone out: the charger never sees the certificate before
// the answer that announces it.
void send_certificate(const std::shared_ptr<ChargerSession>& self, std::int64_t request_id, const std::string& chain)
{
    self->endpoint().call("CertificateSigned", json::Reply().set("certificateChain", chain).take(),
                          [self, request_id](ocpp::CallOutcome outcome) {
                              bool accepted = outcome.kind == ocpp::CallOutcome::Kind::result &&
                                              json::string(outcome.payload, "status") == "Accepted";
                              if (accepted) {
                                  spdlog::info("[{}] CertificateSigned accepted", self->id());
                                  record_delivery(self, request_id, Status::delivered, std::nullopt);
                                  return;
                              }
                              auto reason = delivery_failure(outcome);
                              spdlog::warn("[{}] CertificateSigned not delivered: {}", self->id(), reason);
                              record_delivery(self, request_id, Status::delivery_failed, std::move(reason));
                          });
}

} // namespace

// The CSR is checked (CN = charge point id, key strength) and, with a local
// CA, signed here on the session strand before the request is stored. The
// answer is Accepted only for a request that will get a certificate: signed
// now (then sent with CertificateSigned) or queued for an external CA.
void sign_certificate(ChargerSession& session, const ocpp::IncomingCall& call, const rapidjson::Value& payload)
{
    store::CertificateRequestRecord request{
        session.id(), json::string(payload, "csr"), Status::rejected, std::nullopt, std::nullopt, session.now()};
    if (!session.over_tls()) {
        // A certificate is an mTLS credential: it is never issued to a
        // session that proved less than TLS (a sniffable plain-ws password,
        // or nothing at all).
        request.reason = "SignCertificate is accepted over wss only";
    } else if (const auto* signer = session.services().signer) {
        auto issued = signer->sign(request.csr_pem, session.id());
        if (!issued.ok) {
            request.reason = std::move(issued.reason);
        } else if (issued.certificate_chain_pem.size() > max_certificate_chain) {
            request.status = Status::delivery_failed;
            request.reason = "the certificate chain is longer than CertificateSigned allows (" +
                             std::to_string(max_certificate_chain) + " characters)";
            request.certificate_pem = std::move(issued.certificate_chain_pem);
        } else {
            request.status = Status::signed_;
            request.certificate_pem = std::move(issued.certificate_chain_pem);
        }
    } else if (auto reason = CertificateSigner::check_csr(request.csr_pem, session.id())) {
        request.reason = std::move(reason);
    } else {
        request.status = Status::pending_external;
    }

    auto status = request.status;
    auto reason = request.reason.value_or("");
    auto chain = status == Status::signed_ ? *request.certificate_pem : std::string();
    auto request_id = std::make_shared<std::int64_t>(0);
    auto self = session.shared_from_this();
    session.commit_then_reply(
        call,
        [request_id, request = std::move(request)](store::Database& db) {
            *request_id = store::insert_certificate_request(db, request);
        },
        [self, request_id, status, reason, chain] {
            bool accepted = status == Status::signed_ || status == Status::pending_external;
            if (accepted) {
                spdlog::info("[{}] SignCertificate accepted: {}", self->id(), store::to_string(status));
            } else {
                spdlog::warn("[{}] SignCertificate rejected: {}", self->id(), reason);
            }
            if (status == Status::signed_) {
                send_certificate(self, *request_id, chain);
            }
            return json::Reply().set("status", accepted ? "Accepted" : "Rejected").take();
        });
}

} // namespace csms::handlers
