#include "rules/rule.hpp"

namespace csms::rules {
namespace {

constexpr std::string_view measurands[] = {"Energy.Active.Export.Register",
                                           "Energy.Active.Import.Register",
                                           "Energy.Reactive.Export.Register",
                                           "Energy.Reactive.Import.Register",
                                           "Energy.Active.Export.Interval",
                                           "Energy.Active.Import.Interval",
                                           "Energy.Reactive.Export.Interval",
                                           "Energy.Reactive.Import.Interval",
                                           "Power.Active.Export",
                                           "Power.Active.Import",
                                           "Power.Offered",
                                           "Power.Reactive.Export",
                                           "Power.Reactive.Import",
                                           "Power.Factor",
                                           "Current.Import",
                                           "Current.Export",
                                           "Current.Offered",
                                           "Voltage",
                                           "Frequency",
                                           "Temperature",
                                           "SoC",
                                           "RPM"};

constexpr std::string_view phases[] = {"L1", "L2", "L3", "N", "L1-N", "L2-N", "L3-N", "L1-L2", "L2-L3", "L3-L1"};

constexpr std::string_view error_codes[] = {"ConnectorLockFailure",
                                            "EVCommunicationError",
                                            "GroundFailure",
                                            "HighTemperature",
                                            "InternalError",
                                            "LocalListConflict",
                                            "NoError",
                                            "OtherError",
                                            "OverCurrentFailure",
                                            "PowerMeterFailure",
                                            "PowerSwitchFailure",
                                            "ReaderFailure",
                                            "ResetFailure",
                                            "UnderVoltage",
                                            "OverVoltage",
                                            "WeakSignal"};

} // namespace

std::string_view to_string(RuleKind kind)
{
    switch (kind) {
    case RuleKind::threshold:
        return "threshold";
    case RuleKind::range:
        return "range";
    case RuleKind::relative:
        return "relative";
    case RuleKind::faulted:
        return "faulted";
    case RuleKind::offline:
        return "offline";
    case RuleKind::stuck_transaction:
        return "stuck_transaction";
    case RuleKind::meter_anomaly:
        return "meter_anomaly";
    case RuleKind::degraded:
        return "degraded";
    case RuleKind::flapping:
        return "flapping";
    case RuleKind::security_event:
        return "security_event";
    }
    return "unknown";
}

std::string_view to_string(Severity severity)
{
    switch (severity) {
    case Severity::info:
        return "info";
    case Severity::warning:
        return "warning";
    case Severity::critical:
        return "critical";
    }
    return "unknown";
}

std::span<const std::string_view> known_measurands()
{
    return measurands;
}
std::span<const std::string_view> known_phases()
{
    return phases;
}
std::span<const std::string_view> known_error_codes()
{
    return error_codes;
}

} // namespace csms::rules
