#pragma once
// Secrets an operator sends to a charger must not come back out of the
// command history, the tracked configuration or the audit trail: the
// AuthorizationKey (write-only in the OCPP 1.6 Security Whitepaper) and the
// user:password an upload or download URL may carry. The charger gets the
// payload as sent; what is stored and shown is the redacted copy.
#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace csms {

inline constexpr std::string_view redacted_value = "********";

// The request as it may be stored: AuthorizationKey values and URL
// credentials replaced.
void redact_command_request(std::string_view action, rapidjson::Value& payload,
                            rapidjson::Document::AllocatorType& allocator);

// The charger's answer as it may be stored and shown (a GetConfiguration
// that reports its AuthorizationKey).
void redact_command_response(std::string_view action, rapidjson::Value& payload,
                             rapidjson::Document::AllocatorType& allocator);

// "ftp://user:pw@host/x" -> "ftp://********@host/x"; other text unchanged.
std::string without_url_credentials(std::string_view url);

} // namespace csms
