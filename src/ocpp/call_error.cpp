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

} // namespace csms::ocpp
