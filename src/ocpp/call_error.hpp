#pragma once
// OCPP-J 1.6 CALLERROR codes (OCPP-J 1.6 spec, section 4.2.3). The spelling
// "OccurenceConstraintViolation" is the specification's own.
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

std::string_view to_string(ErrorCode code);

// A short, fixed description and its code: never exception text or SQL.
struct Violation {
    ErrorCode code;
    std::string_view what; // static text
    std::string detail;    // e.g. the JSON pointer of the offending field
};

} // namespace csms::ocpp
