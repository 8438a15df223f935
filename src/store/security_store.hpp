#pragma once
// Security-extension repository: alerts, SignCertificate requests and the
// log / signed-firmware status notifications. Like the other repositories,
// functions run on whichever thread owns the Database (the writer thread for
// writes), use its cached statements and open no transactions of their own.
#include "base/clock.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace csms::store {

enum class AlertSeverity { info, warning, critical };

constexpr std::string_view to_string(AlertSeverity severity)
{
    switch (severity) {
    case AlertSeverity::info:
        return "info";
    case AlertSeverity::warning:
        return "warning";
    case AlertSeverity::critical:
        return "critical";
    }
    return "critical";
}

struct AlertRecord {
    std::optional<std::string> charger_id{}; // nullopt: about the system as a whole
    std::string kind{};                      // e.g. "security_event"
    AlertSeverity severity = AlertSeverity::warning;
    std::string message{};
    std::optional<std::string> source_ref{}; // what raised it, e.g. "security_events:42"
    base::SysTime raised_at{};
};

// Returns the new alert's id.
std::int64_t insert_alert(Database& db, const AlertRecord& alert);

// The column spelling; `signed_` because `signed` is a keyword.
enum class CertificateRequestStatus { signed_, pending_external, rejected, delivered, delivery_failed };

constexpr std::string_view to_string(CertificateRequestStatus status)
{
    switch (status) {
    case CertificateRequestStatus::signed_:
        return "signed";
    case CertificateRequestStatus::pending_external:
        return "pending_external";
    case CertificateRequestStatus::rejected:
        return "rejected";
    case CertificateRequestStatus::delivered:
        return "delivered";
    case CertificateRequestStatus::delivery_failed:
        return "delivery_failed";
    }
    return "rejected";
}

struct CertificateRequestRecord {
    std::string charger_id{};
    std::string csr_pem{};
    CertificateRequestStatus status = CertificateRequestStatus::rejected;
    std::optional<std::string> reason{};
    std::optional<std::string> certificate_pem{}; // the chain sent: leaf, then the CA
    base::SysTime received_at{};
};

// Returns the new request's id; updated_at starts as received_at.
std::int64_t insert_certificate_request(Database& db, const CertificateRequestRecord& request);

// Sets status and reason (nullopt clears it); the certificate is kept.
// Returns false when no request has this id.
bool update_certificate_request(Database& db, std::int64_t id, CertificateRequestStatus status,
                                const std::optional<std::string>& reason, base::SysTime at);

// Append to their history; request_id is the charger's requestId, if any.
void record_log_status(Database& db, std::string_view charger_id, std::string_view status,
                       std::optional<std::int64_t> request_id, base::SysTime received_at);
void record_signed_firmware_status(Database& db, std::string_view charger_id, std::string_view status,
                                   std::optional<std::int64_t> request_id, base::SysTime received_at);

} // namespace csms::store
