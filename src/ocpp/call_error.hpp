#pragma once
// OCPP-J 1.6 CALLERROR codes (OCPP-J 1.6 spec, section 4.2.3). The spelling
// "OccurenceConstraintViolation" is the specification's own.
#include <optional>
#include <string>
#include <string_view>

namespace csms::ocpp {

enum class ErrorCode {
    NotImplemented,
    NotSupported,
    InternalError,
    ProtocolError,
    SecurityError,
    FormationViolation,
    PropertyConstraintViolation,
    OccurenceConstraintViolation,
    TypeConstraintViolation,
    GenericError,
};

inline constexpr ErrorCode all_error_codes[] = {
    ErrorCode::NotImplemented,
    ErrorCode::NotSupported,
    ErrorCode::InternalError,
    ErrorCode::ProtocolError,
    ErrorCode::SecurityError,
    ErrorCode::FormationViolation,
    ErrorCode::PropertyConstraintViolation,
    ErrorCode::OccurenceConstraintViolation,
    ErrorCode::TypeConstraintViolation,
    ErrorCode::GenericError,
};

std::string_view to_string(ErrorCode code);
// The code spelt as on the wire; nullopt for a spelling OCPP 1.6 does not have.
std::optional<ErrorCode> error_code_from(std::string_view text);

// A short, fixed description and its code: never exception text or SQL.
struct Violation {
    ErrorCode code;
    std::string_view what; // static text
    std::string detail;    // e.g. the JSON pointer of the offending field
};

} // namespace csms::ocpp
