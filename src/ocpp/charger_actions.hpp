#pragma once
// The CALLs a charger sends (OCPP 1.6 with the security extension). Every
// other action in schemas/ goes only from the central system to a charger,
// so per-action series of inbound CALLs list these and no others.
#include <algorithm>
#include <iterator>
#include <string_view>

namespace csms::ocpp {

inline constexpr std::string_view charger_actions[] = {"Authorize",
                                                       "BootNotification",
                                                       "DataTransfer",
                                                       "DiagnosticsStatusNotification",
                                                       "FirmwareStatusNotification",
                                                       "Heartbeat",
                                                       "MeterValues",
                                                       "StartTransaction",
                                                       "StatusNotification",
                                                       "StopTransaction",
                                                       "LogStatusNotification",
                                                       "SecurityEventNotification",
                                                       "SignCertificate",
                                                       "SignedFirmwareStatusNotification"};

inline bool is_charger_action(std::string_view action)
{
    return std::find(std::begin(charger_actions), std::end(charger_actions), action) != std::end(charger_actions);
}

} // namespace csms::ocpp
