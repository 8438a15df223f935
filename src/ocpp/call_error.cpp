#include "ocpp/call_error.hpp"

namespace csms::ocpp {

std::string_view to_string(ErrorCode code)
{
    switch (code) {
    case ErrorCode::NotImplemented:
        return "NotImplemented";
    case ErrorCode::NotSupported:
        return "NotSupported";
    case ErrorCode::InternalError:
        return "InternalError";
    case ErrorCode::ProtocolError:
        return "ProtocolError";
    case ErrorCode::SecurityError:
        return "SecurityError";
    case ErrorCode::FormationViolation:
        return "FormationViolation";
    case ErrorCode::PropertyConstraintViolation:
        return "PropertyConstraintViolation";
    case ErrorCode::OccurenceConstraintViolation:
        return "OccurenceConstraintViolation";
    case ErrorCode::TypeConstraintViolation:
        return "TypeConstraintViolation";
    case ErrorCode::GenericError:
        return "GenericError";
    }
    // Only reachable through a cast of an out-of-range integer.
    return "GenericError";
}

std::optional<ErrorCode> error_code_from(std::string_view text)
{
    for (auto code : all_error_codes) {
        if (to_string(code) == text) {
            return code;
        }
    }
    return std::nullopt;
}

} // namespace csms::ocpp
